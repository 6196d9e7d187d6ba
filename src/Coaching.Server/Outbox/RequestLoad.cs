namespace Coaching.Server.Outbox;

/// <summary>
/// How many requests this process is answering right now (a middleware counts them in and out), so background work such as
/// the outbox dispatcher can give way while callers wait.
/// </summary>
public sealed class RequestLoad
{
    private long _inFlight;

    /// <summary>Requests being answered.</summary>
    public long InFlight => Interlocked.Read(ref _inFlight);

    // An open event stream is somebody listening, not somebody waiting for an answer.
    private static readonly string WatchPath =
        $"/{Contracts.V1.DeliveryService.Descriptor.FullName}/{Contracts.V1.DeliveryService.Descriptor.FindMethodByName("WatchEvents").Name}";

    /// <summary>Counts requests in and out around the rest of the pipeline (event streams excepted).</summary>
    public sealed class Middleware(RequestDelegate next, RequestLoad load)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            if (context.Request.Path.Equals(WatchPath, StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            Interlocked.Increment(ref load._inFlight);
            try
            {
                await next(context);
            }
            finally
            {
                Interlocked.Decrement(ref load._inFlight);
            }
        }
    }
}
