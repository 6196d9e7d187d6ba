using Coaching.Contracts.V1;

namespace Coaching.Server.Tests.Courses;

/// <summary>Concurrent enrolments and withdrawals over real gRPC calls; the store must keep the cohort's guarantees.</summary>
public abstract class EnrolmentRaceTests(ServerFixture server) : ServerTest(server)
{
    [SkippableFact]
    public async Task HundredClients_TwelveSeats_TwelveEnrolled_EightyEightWaitlistedInArrivalOrder()
    {
        server.SkipIfAbsent();
        var s = await CohortScenario.CreateAsync(server, capacity: 12);
        using var go = new ManualResetEventSlim(false);
        var attempts = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            var client = s.AsClient($"hundred-{i}");
            go.Wait();
            return await client.CreateEnrolmentAsync(new CreateEnrolmentRequest { Parent = s.Cohort.Name, RequestId = $"r-{i}" });
        })).ToList();
        go.Set();
        var results = await Task.WhenAll(attempts);

        Assert.Equal(12, results.Count(e => e.State == EnrolmentState.Enrolled));
        Assert.Equal(88, results.Count(e => e.State == EnrolmentState.Waitlisted));
        Assert.Equal(Enumerable.Range(1, 88), results.Where(e => e.State == EnrolmentState.Waitlisted).Select(e => e.WaitlistPosition).Order());
        // The stored waitlist order is the order the positions were handed out in.
        var stored = await s.AllAsync();
        var waitlist = stored.Where(e => e.State == EnrolmentState.Waitlisted).ToList();
        Assert.Equal(Enumerable.Range(1, 88), waitlist.Select(e => e.WaitlistPosition));
        Assert.Equal(waitlist.Select(e => e.Name), results.Where(e => e.State == EnrolmentState.Waitlisted).OrderBy(e => e.WaitlistPosition).Select(e => e.Name));
        var cohort = await s.ReadAsync();
        Assert.Equal((12, 0, 88), (cohort.EnrolledCount, cohort.SeatsLeft, cohort.WaitlistCount));
    }

    [SkippableFact]
    public async Task WithdrawalsAndEnrolmentsInterleaved_NeverOverCapacity_EachWithdrawalPromotesExactlyOne()
    {
        server.SkipIfAbsent();
        const int capacity = 6;
        var s = await CohortScenario.CreateAsync(server, capacity);
        var seated = new List<Enrolment>();
        for (var i = 0; i < capacity + 10; i++)
        {
            var e = await s.EnrolAsync($"mix-{i}");
            if (e.State == EnrolmentState.Enrolled)
            {
                seated.Add(e);
            }
        }

        using var stop = new CancellationTokenSource();
        var observer = s.WatchEnrolledAsync(stop.Token);

        var withdrawals = seated.Take(4).Select(e => Task.Run(() =>
            s.AsClient(e.Client.Split('/')[1]).WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = e.Name }).ResponseAsync));
        var newcomers = Enumerable.Range(0, 10).Select(i => Task.Run(() => s.EnrolAsync($"late-{i}")));
        await Task.WhenAll(withdrawals.Cast<Task>().Concat(newcomers));
        await stop.CancelAsync();
        var observedMax = await observer;

        var all = await s.AllAsync();
        var enrolled = all.Where(e => e.State == EnrolmentState.Enrolled).ToList();
        var waitlisted = all.Where(e => e.State == EnrolmentState.Waitlisted).ToList();
        Assert.True(observedMax <= capacity, $"observed {observedMax} enrolled");
        Assert.Equal(capacity, enrolled.Count);
        Assert.Equal(4, all.Count(e => e.State == EnrolmentState.Withdrawn));
        Assert.Equal(capacity + 10 + 10 - 4 - capacity, waitlisted.Count);
        Assert.Equal(all.Count, all.Select(e => e.Client).Distinct().Count());
        Assert.Equal(Enumerable.Range(1, waitlisted.Count), waitlisted.Select(e => e.WaitlistPosition));
        // The four promoted are exactly the first four of the original waitlist (mix-6 .. mix-9), each once.
        Assert.All(Enumerable.Range(capacity, 4), i => Assert.Contains(enrolled, e => e.Client == $"users/mix-{i}"));
    }

    [SkippableFact]
    public async Task Rush_200Clients_WithWithdrawalsAndACapacityRaise_EndsExact()
    {
        server.SkipIfAbsent();
        const int capacity = 20, raised = 40, rush = 200, leaving = 10;
        var s = await CohortScenario.CreateAsync(server, capacity);
        var early = new List<Enrolment>();
        for (var i = 0; i < leaving; i++)
        {
            early.Add(await s.EnrolAsync($"early-{i}"));
        }

        var before = await s.ReadAsync();
        using var stop = new CancellationTokenSource();
        var observer = s.WatchEnrolledAsync(stop.Token);

        using var go = new ManualResetEventSlim(false);
        var enrolments = Enumerable.Range(0, rush).Select(i => Task.Run(async () =>
        {
            go.Wait();
            return await s.EnrolAsync($"rush-{i}", $"rush-{i}");
        })).ToList();
        var withdrawals = early.Select(e => Task.Run(async () =>
        {
            go.Wait();
            return await s.AsClient(e.Client.Split('/')[1]).WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest { Name = e.Name });
        })).ToList();
        // The admin read the cohort before the rush; enrolments do not change its etag, so the raise lands first time.
        var raise = Task.Run(async () =>
        {
            go.Wait();
            return await s.AsAdmin.UpdateCohortAsync(new UpdateCohortRequest
            {
                Cohort = new Cohort { Name = s.Cohort.Name, Capacity = raised, Etag = before.Etag },
                UpdateMask = new Google.Protobuf.WellKnownTypes.FieldMask { Paths = { "capacity" } },
            });
        });
        go.Set();
        var results = await Task.WhenAll(enrolments);
        await Task.WhenAll(withdrawals);
        var updated = await raise;
        await stop.CancelAsync();
        var observedMax = await observer;

        var all = await s.AllAsync();
        var enrolled = all.Where(e => e.State == EnrolmentState.Enrolled).ToList();
        var waitlisted = all.Where(e => e.State == EnrolmentState.Waitlisted).ToList();
        var cohort = await s.ReadAsync();
        Assert.Equal(raised, updated.Capacity);
        Assert.True(observedMax <= raised, $"observed {observedMax} enrolled");
        Assert.Equal(rush, results.Length);
        Assert.Equal(rush + leaving, all.Count);
        Assert.Equal(all.Count, all.Select(e => e.Client).Distinct().Count());
        Assert.Equal(leaving, all.Count(e => e.State == EnrolmentState.Withdrawn));
        Assert.Equal(raised, enrolled.Count);
        Assert.Equal(rush - raised, waitlisted.Count);
        Assert.Equal(Enumerable.Range(1, rush - raised), waitlisted.Select(e => e.WaitlistPosition));
        Assert.Equal((raised, 0, rush - raised), (cohort.EnrolledCount, cohort.SeatsLeft, cohort.WaitlistCount));
    }
}
