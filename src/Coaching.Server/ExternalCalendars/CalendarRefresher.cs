using Coaching.Domain.ExternalCalendars;
using NodaTime;

namespace Coaching.Server.ExternalCalendars;

/// <summary>
/// Keeps coaches' calendars fresh: every few seconds, syncs the connections that are due. Each sync is leased in the store, so when
/// several servers run, one of them fetches each calendar per interval.
/// </summary>
public sealed partial class CalendarRefresher(ICalendarConnectionStore store, CalendarSync sync, IClock clock, CalendarOptions options,
    ILogger<CalendarRefresher> logger) : BackgroundService
{
    private readonly string _owner = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>This process's lease owner name.</summary>
    public string Owner => _owner;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (options.Refresh && !stoppingToken.IsCancellationRequested)
        {
            try
            {
                foreach (var due in await store.ListDueAsync(clock.GetCurrentInstant(), 20, stoppingToken))
                {
                    var synced = await sync.SyncAsync(due.CoachId, due.Id, _owner, stoppingToken);
                    if (synced is { Health: not ConnectionHealth.Healthy })
                    {
                        LogFailing(logger, synced.Name, synced.LastError);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRound(logger, e);
            }

            await Task.Delay(TimeSpan.FromSeconds(options.PollSeconds * (1 + Random.Shared.NextDouble() * 0.4)), stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Calendar {Connection} did not sync: {Reason}")]
    private static partial void LogFailing(ILogger logger, string connection, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "A calendar refresh round failed")]
    private static partial void LogRound(ILogger logger, Exception error);
}
