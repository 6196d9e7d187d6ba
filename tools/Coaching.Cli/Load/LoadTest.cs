using System.Diagnostics;
using Coaching.Contracts.V1;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using HdrHistogram;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace Coaching.Cli.Load;

/// <summary>
/// A closed-loop load run against any server: prepares its own coaches (open all week, 15-minute sessions, a year ahead)
/// through the API, then drives a no-op call (gRPC health Check), GetCoach, ListAvailableSlots over 7 and 90 days (full and runs views) and CreateBooking (each
/// call a distinct slot), one after the other, each with <see cref="LoadSettings.InFlight"/> calls in flight, and reports
/// rates and latency percentiles with each call's ratio to the no-op of the same run.
/// </summary>
public sealed class LoadTest(LoadSettings settings, TextWriter progress)
{
    private const string NoOpAgain = "no-op again (health Check)";
    private static readonly TimeSpan SlotLength = TimeSpan.FromMinutes(15);

    /// <summary>Prepares the world and drives every call, with the no-op first and again before the bookings, so ratios refer to this run.</summary>
    public async Task<IReadOnlyList<CallStats>> RunAsync(CancellationToken ct)
    {
        using var channel = GrpcChannel.ForAddress(settings.Server, new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
        });
        var world = await PrepareAsync(channel, ct);
        var invoker = channel.CreateCallInvoker();
        var clients = Enumerable.Range(0, settings.InFlight).Select(i => Bearer(settings.Token($"load-client-{i}", "client", null))).ToArray();
        var from = world.FirstSlot;
        long next = -1;
        Task<Received> Send<TRequest>(Method<TRequest, Received> method, int worker, TRequest request)
            where TRequest : class => invoker.AsyncUnaryCall(method, null, new CallOptions(clients[worker], cancellationToken: ct), request).ResponseAsync;

        var check = Undecoded<HealthCheckRequest>(Health.Descriptor, "Check");
        var getCoach = Undecoded<GetCoachRequest>(CoachService.Descriptor, "GetCoach");
        var listSlots = Undecoded<ListAvailableSlotsRequest>(AvailabilityService.Descriptor, "ListAvailableSlots");
        var createBooking = Undecoded<CreateBookingRequest>(BookingService.Descriptor, "CreateBooking");
        Task<Received> List(int worker, int days, SlotView view) => Send(listSlots, worker, new ListAvailableSlotsRequest
        {
            Offering = world.Offerings[worker % world.Offerings.Count],
            StartTime = Timestamp.FromDateTime(from),
            EndTime = Timestamp.FromDateTime(from.AddDays(days)),
            View = view,
        });

        // The no-op always runs first: every ratio refers to it.
        var noRequest = new HealthCheckRequest();
        var results = new List<CallStats> { await DriveAsync("no-op (health Check)", worker => Send(check, worker, noRequest), ct) };
        async Task Drive(string key, string call, Func<int, Task<Received>> send)
        {
            if (settings.Calls is null || settings.Calls.Contains(key))
            {
                results.Add(await DriveAsync(call, send, ct));
            }
        }

        await Drive("coach", "GetCoach", worker => Send(getCoach, worker, new GetCoachRequest { Name = world.Coaches[worker % world.Coaches.Count] }));
        await Drive("slots7", "ListAvailableSlots 7 days", worker => List(worker, 7, SlotView.Full));
        await Drive("slots90", "ListAvailableSlots 90 days", worker => List(worker, 90, SlotView.Full));
        await Drive("runs7", "ListAvailableSlots 7 d runs", worker => List(worker, 7, SlotView.Runs));
        await Drive("runs90", "ListAvailableSlots 90 d runs", worker => List(worker, 90, SlotView.Runs));
        // The no-op again on a server the reads have warmed, and before the bookings (whose e-mails the server then sends in the
        // background): on a fresh server the first phase is the noisiest (it varied from 42,000/s to 65,000/s between runs here).
        // Ratios refer to the faster of the two, so they can only err low.
        if (results.Count > 1 || settings.Calls is null || settings.Calls.Contains("book"))
        {
            results.Add(await DriveAsync(NoOpAgain, worker => Send(check, worker, noRequest), ct));
        }

        await Drive("book", "CreateBooking", worker =>
        {
            var i = Interlocked.Increment(ref next);
            var start = from + (SlotLength * (i / world.Offerings.Count));
            return Send(createBooking, worker, new CreateBookingRequest
            {
                Booking = new Booking { Offering = world.Offerings[(int)(i % world.Offerings.Count)], StartTime = Timestamp.FromDateTime(start), Agenda = "Load" },
                RequestId = $"load-{world.RunId}-{i}",
            });
        });

        var noop = Math.Max(results[0].Rate, results.Find(r => r.Call == NoOpAgain)?.Rate ?? 0);
        return [.. results.Select(stats => Relative(stats, noop))];
    }

    private static CallStats Relative(CallStats stats, double noopRate) => stats with { Ratio = noopRate > 0 ? stats.Rate / noopRate : 0 };

    private static Metadata Bearer(string token) => new() { { "authorization", $"Bearer {token}" } };

    /// <summary>
    /// A unary method whose request is sent as the generated client sends it and whose response is received whole but not decoded,
    /// as h2load does: decoding is the client's work, and on one machine it would take cores from the server being measured (the
    /// tool spent as much CPU decoding 90-day slot listings as the server spent writing them).
    /// </summary>
    private static Method<TRequest, Received> Undecoded<TRequest>(Google.Protobuf.Reflection.ServiceDescriptor service, string name)
        where TRequest : class, Google.Protobuf.IMessage<TRequest> =>
        new(MethodType.Unary, service.FullName, name,
            Marshallers.Create((TRequest request, SerializationContext context) => context.Complete(Google.Protobuf.MessageExtensions.ToByteArray(request)),
                _ => throw new NotSupportedException("The load tool only sends requests.")),
            ReceivedMarshaller);

    private static readonly Marshaller<Received> ReceivedMarshaller = Marshallers.Create(
        (Received _, SerializationContext _) => throw new NotSupportedException("The load tool only receives responses."),
        (DeserializationContext context) => new Received(context.PayloadLength));

    /// <summary>A response received whole: its length in bytes.</summary>
    private sealed record Received(int Bytes);

    private sealed record World(string RunId, IReadOnlyList<string> Coaches, IReadOnlyList<string> Offerings, DateTime FirstSlot);

    private async Task<World> PrepareAsync(GrpcChannel channel, CancellationToken ct)
    {
        var runId = Guid.NewGuid().ToString("N")[..8];
        var admin = Bearer(settings.Token("load-admin", "admin", null));
        var coaches = new CoachService.CoachServiceClient(channel);
        var availability = new AvailabilityService.AvailabilityServiceClient(channel);
        var offerings = new List<string>();
        var names = new List<string>();
        for (var c = 0; c < settings.Coaches; c++)
        {
            var coach = await coaches.CreateCoachAsync(new CreateCoachRequest
            {
                Coach = new Coach { DisplayName = $"Load coach {c}", Email = $"load-{c}@example.org", TimeZone = "UTC", Specialties = { $"load-{runId}" } },
                RequestId = $"load-{runId}-coach-{c}",
            }, admin, cancellationToken: ct);
            var own = Bearer(settings.Token($"load-coach-{c}", "coach", coach.Name.Split('/')[^1]));
            var offering = await coaches.CreateOfferingAsync(new CreateOfferingRequest
            {
                Parent = coach.Name,
                Offering = new Offering
                {
                    Title = "Load session", Duration = Duration.FromTimeSpan(SlotLength), BookingHorizon = Duration.FromTimeSpan(TimeSpan.FromDays(365)),
                },
            }, own, cancellationToken: ct);
            await availability.UpdateWeeklyScheduleAsync(new UpdateWeeklyScheduleRequest
            {
                WeeklySchedule = new WeeklySchedule
                {
                    Name = $"{coach.Name}/weeklySchedule",
                    Windows =
                    {
                        Enumerable.Range(1, 7).Select(d => new WeeklyWindow
                        {
                            Weekday = (Weekday)d, StartTime = new TimeOfDay { Hours = 0 }, EndTime = new TimeOfDay { Hours = 24 },
                        }),
                    },
                },
            }, own, cancellationToken: ct);
            offerings.Add(offering.Name);
            names.Add(coach.Name);
        }

        // From tomorrow's midnight (UTC): clear of any notice, and a year of 15-minute slots per coach.
        return new World(runId, names, offerings, DateTime.UtcNow.Date.AddDays(2));
    }

    private async Task<CallStats> DriveAsync(string call, Func<int, Task<Received>> send, CancellationToken ct)
    {
        var histograms = Enumerable.Range(0, settings.InFlight).Select(_ => new LongHistogram(TimeStamp.Minutes(10), 3)).ToArray();
        long calls = 0, errors = 0, warmUpCalls = 0, received = 0, bytes = 0;
        string? firstError = null;
        // A warm-up first (JIT, connections, thread pool, database caches), driven the same way but not counted.
        var warmUp = settings.WarmUpTime;
        var clock = Stopwatch.StartNew();
        var until = warmUp + TimeSpan.FromSeconds(settings.Seconds);
        var measuring = new TaskCompletionSource();
        var measured = new Stopwatch();
        var workers = Enumerable.Range(0, settings.InFlight).Select(w => Task.Run(async () =>
        {
            // The window closes at its end, but never before one call was measured: a window shorter than a call would
            // otherwise report percentiles of nothing.
            while (!ct.IsCancellationRequested && (clock.Elapsed < until || Interlocked.Read(ref calls) == 0))
            {
                if (clock.Elapsed < warmUp)
                {
                    try
                    {
                        await send(w);
                        Interlocked.Increment(ref warmUpCalls);
                    }
                    catch (RpcException)
                    {
                        // Errors count once measuring starts.
                    }

                    continue;
                }

                if (measuring.TrySetResult())
                {
                    measured.Start();
                }

                var sent = Stopwatch.GetTimestamp();
                try
                {
                    var response = await send(w);
                    Interlocked.Increment(ref received);
                    Interlocked.Add(ref bytes, response.Bytes);
                }
                catch (RpcException e)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, $"{e.StatusCode}: {e.Status.Detail}", null);
                }

                histograms[w].RecordValue(Stopwatch.GetTimestamp() - sent);
                Interlocked.Increment(ref calls);
            }
        }, ct)).ToList();

        var all = Task.WhenAll(workers);
        while (await Task.WhenAny(all, Task.Delay(1000, ct)) != all)
        {
            var done = Interlocked.Read(ref calls);
            await progress.WriteAsync(measured.IsRunning
                ? FormattableString.Invariant(
                    $"\r{call}: {measured.Elapsed.TotalSeconds,5:F1}/{settings.Seconds:F0} s  {done,8} calls  {done / measured.Elapsed.TotalSeconds,8:F0}/s  errors {Interlocked.Read(ref errors)}   ")
                : $"\r{call}: warming up   ");
        }

        await all;
        var elapsed = measured.Elapsed.TotalSeconds;
        await progress.WriteLineAsync();
        var merged = new LongHistogram(TimeStamp.Minutes(10), 3);
        foreach (var h in histograms)
        {
            merged.Add(h);
        }

        double Ms(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
        if (merged.TotalCount == 0)
        {
            // Cancelled before any call was measured.
            return new CallStats(call, 0, errors, 0, 0, 0, 0, 0, 0) { FirstError = firstError, WarmUpCalls = warmUpCalls };
        }

        return new CallStats(call, calls, errors, calls / elapsed, Ms(merged.GetValueAtPercentile(50)), Ms(merged.GetValueAtPercentile(90)),
            Ms(merged.GetValueAtPercentile(99)), Ms(merged.GetMaxValue()), 0)
        {
            FirstError = firstError, WarmUpCalls = warmUpCalls, ResponseBytes = received > 0 ? bytes / (double)received : 0,
        };
    }
}
