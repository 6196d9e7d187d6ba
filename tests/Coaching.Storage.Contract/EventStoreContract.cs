using Coaching.Domain.Common;
using Coaching.Domain.Events;
using Coaching.Domain.Outbox;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Storage.Contract;

/// <summary>The behaviour every <see cref="IEventStore"/> and <see cref="IQuestionStore"/> must show.</summary>
public abstract class EventStoreContract : IAsyncLifetime
{
    private (IEventStore Events, IQuestionStore Questions, IOutboxStore Outbox)? _stores;

    protected FakeClock Clock { get; } = new(Instant.FromUtc(2026, 11, 29, 9, 0));

    protected abstract string? SkipReason { get; }

    protected abstract Task<(IEventStore Events, IQuestionStore Questions, IOutboxStore Outbox)> CreateStoresAsync();

    protected abstract Task DisposeStoresAsync();

    private IEventStore Events => _stores!.Value.Events;

    private IQuestionStore Questions => _stores!.Value.Questions;

    public async Task InitializeAsync()
    {
        if (SkipReason is null)
        {
            _stores = await CreateStoresAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (_stores is not null)
        {
            await DisposeStoresAsync();
        }
    }

    private string NewId() => new UlidGenerator(Clock).NewId();

    private EventProfile Profile(Instant start, params string[] topics) => new()
    {
        Id = NewId(), Kind = EventKind.Webinar, Title = "PMO basics", Description = "", Topics = topics, JoinLink = "https://meet.example.org/x",
        Visibility = EventVisibility.Registrants, Unlimited = false, RecordingLink = string.Empty, HeldTime = null, Start = start,
        CreateTime = Clock.GetCurrentInstant(), UpdateTime = Clock.GetCurrentInstant(), Version = 1,
    };

    private OutboxEntry Entry(string resource) => new(NewId(), "question.created", resource, ["*"], [1], null, Clock.GetCurrentInstant());

    private Question NewQuestion(string eventId, string author, int minute) => new()
    {
        Id = NewId(), EventId = eventId, AuthorId = author, Text = $"Question from {author}", Anonymous = false, State = QuestionState.Open,
        MergedInto = string.Empty, Votes = 0, CreateTime = Clock.GetCurrentInstant() + Duration.FromMinutes(minute),
        UpdateTime = Clock.GetCurrentInstant(), Version = 1,
    };

    private async Task<Question> AskAsync(string eventId, string author, int minute)
    {
        var question = NewQuestion(eventId, author, minute);
        return (await Questions.CreateAsync(question, new IdempotencyKey(author, NewId(), "f"), Entry(question.Name), default)).Value;
    }

    [SkippableFact]
    public async Task Profiles_CreateOnce_CopiesOnlyNewerVersions_AndListByTopicAndStart_PageByPage()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var day = Instant.FromUtc(2027, 3, 1, 12, 0);
        var topic = $"t{NewId()}".ToLowerInvariant();
        var a = await Events.CreateAsync(Profile(day, topic, "careers"), default);
        var b = await Events.CreateAsync(Profile(day + Duration.FromDays(1), topic), default);
        var c = await Events.CreateAsync(Profile(day + Duration.FromDays(2), "other"), default);
        var retried = await Events.CreateAsync(a with { Title = "a retry does not overwrite" }, default);
        var moved = await Events.CopyAsync(b with { Start = day - Duration.FromDays(1), Topics = [topic, "x"], Version = 3 }, default);
        var sameVersion = await Events.CopyAsync(b with { Title = "late", Version = 3 }, default);
        var older = await Events.CopyAsync(b with { Title = "out of order", Start = day, Topics = ["y"], Version = 2 }, default);
        var unknown = await Events.CopyAsync(Profile(day) with { Version = 2 }, default);

        var first = await Events.ListAsync(new EventQuery(day - Duration.FromDays(10), day + Duration.FromDays(10), topic, false, null, 1), default);
        var second = await Events.ListAsync(new EventQuery(day - Duration.FromDays(10), day + Duration.FromDays(10), topic, false,
            new EventCursor(first[0].Start, first[0].Id), 5), default);
        var ranged = await Events.ListAsync(new EventQuery(day, day + Duration.FromDays(10), null, false, null, 100), default);
        var held = await Events.CopyAsync(c with { HeldTime = day, RecordingLink = "https://video.example.org/c", Version = 2 }, default);
        var recordings = await Events.ListAsync(new EventQuery(day - Duration.FromDays(10), day + Duration.FromDays(10), null, true, null, 100), default);

        Assert.Equal("PMO basics", retried.Title);
        Assert.True(moved);
        Assert.False(sameVersion);
        Assert.False(older);
        Assert.False(unknown);
        Assert.Equal(("PMO basics", 3L), ((await Events.GetAsync([b.Id], default))[0].Title, (await Events.GetAsync([b.Id], default))[0].Version));
        Assert.Equal([b.Id], first.Select(p => p.Id)); // moved earlier
        Assert.Equal([a.Id], second.Select(p => p.Id));
        Assert.Equal(day - Duration.FromDays(1), first[0].Start);
        Assert.Equal([topic, "x"], first[0].Topics);
        Assert.Contains(a.Id, ranged.Select(p => p.Id));
        Assert.DoesNotContain(b.Id, ranged.Select(p => p.Id));
        Assert.True(held);
        Assert.Contains(c.Id, recordings.Select(p => p.Id));
        Assert.DoesNotContain(a.Id, recordings.Select(p => p.Id));
        Assert.Equal(2, (await Events.GetAsync([a.Id, b.Id, "missing"], default)).Count);
    }

    [SkippableFact]
    public async Task Questions_ListMostVotedThenOldest_VotesCountOnce_AndAMergeMovesVotersOnce()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var e = await Events.CreateAsync(Profile(Instant.FromUtc(2027, 3, 1, 12, 0), "q"), default);
        var q1 = await AskAsync(e.Id, "ann", 1);
        var q2 = await AskAsync(e.Id, "bob", 2);
        var q3 = await AskAsync(e.Id, "cat", 3);
        var votes = new List<VoteOutcome>();
        foreach (var (q, voter) in new[] { (q3, "ann"), (q3, "bob"), (q3, "ann"), (q2, "cat"), (q2, "ann") })
        {
            votes.Add((await Questions.VoteAsync(e.Id, q.Id, voter, counted => Entry(counted.Name), default)).Outcome);
        }

        var missing = await Questions.VoteAsync(e.Id, "nope", "ann", counted => Entry(counted.Name), default);
        var page1 = await Questions.ListAsync(e.Id, "ann", null, 2, default);
        var page2 = await Questions.ListAsync(e.Id, "ann", QuestionCursor.Of(page1[^1].Question), 2, default);
        await Questions.MergeVotesAsync(e.Id, q3.Id, q2.Id, default);
        var merged = await Questions.GetAsync(e.Id, q2.Id, default);

        Assert.Equal([VoteOutcome.Counted, VoteOutcome.Counted, VoteOutcome.AlreadyCounted, VoteOutcome.Counted, VoteOutcome.Counted], votes);
        Assert.Equal(VoteOutcome.Missing, missing.Outcome);
        Assert.Equal([(q2.Id, 2, true), (q3.Id, 2, true)], page1.Select(v => (v.Question.Id, v.Question.Votes, v.ViewerVoted)));
        Assert.Equal([(q1.Id, 0, false)], page2.Select(v => (v.Question.Id, v.Question.Votes, v.ViewerVoted)));
        Assert.Equal(2, merged!.Votes); // q3's voters: ann (already counted on q2) and bob (q2's asker: never on their own question)
    }

    [SkippableFact]
    public async Task Questions_RequestKeysFindTheOriginal_UpdatesNeedTheVersion_DeletesRemoveVotes()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var e = await Events.CreateAsync(Profile(Instant.FromUtc(2027, 3, 2, 12, 0), "q"), default);
        var question = NewQuestion(e.Id, "ann", 0);
        var key = new IdempotencyKey("ann", "r-1", "fp");
        var first = await Questions.CreateAsync(question, key, Entry(question.Name), default);
        var again = await Questions.CreateAsync(question with { Id = NewId(), Text = "other" }, key with { Fingerprint = "other" }, Entry(question.Name), default);
        await Questions.VoteAsync(e.Id, question.Id, "bob", q => Entry(q.Name), default);
        var answered = await Questions.UpdateAsync(question with { State = QuestionState.Answered, Version = 2 }, 1, Entry(question.Name), default);
        var stale = await Questions.UpdateAsync(question with { State = QuestionState.Hidden, Version = 2 }, 1, Entry(question.Name), default);
        var read = await Questions.GetAsync(e.Id, question.Id, default);
        var deleted = await Questions.DeleteAsync(e.Id, question.Id, Entry(question.Name), default);
        var twice = await Questions.DeleteAsync(e.Id, question.Id, Entry(question.Name), default);

        Assert.True(first.Created);
        Assert.False(again.Created);
        Assert.Equal(("fp", question.Id), (again.Fingerprint, again.Value.Id));
        Assert.True(answered);
        Assert.False(stale);
        Assert.Equal((QuestionState.Answered, 1), (read!.State, read.Votes));
        Assert.True(deleted);
        Assert.False(twice);
        Assert.Null(await Questions.GetAsync(e.Id, question.Id, default));
        Assert.Empty(await Questions.ListAsync(e.Id, "bob", null, 10, default));
        Assert.Equal(VoteOutcome.Missing, (await Questions.VoteAsync(e.Id, question.Id, "cat", q => Entry(q.Name), default)).Outcome);
    }

    [SkippableFact]
    public async Task ConcurrentVotes_OnOneQuestion_CountEachVoterExactlyOnce()
    {
        Skip.If(SkipReason is not null, SkipReason);
        var e = await Events.CreateAsync(Profile(Instant.FromUtc(2027, 3, 3, 12, 0), "q"), default);
        var question = await AskAsync(e.Id, "asker", 0);
        var voters = Enumerable.Range(0, 60).Select(i => $"voter-{i}").ToList();
        // Every voter votes three times, all at once.
        var outcomes = await Task.WhenAll(voters.Concat(voters).Concat(voters).Select(v => Task.Run(() =>
            Questions.VoteAsync(e.Id, question.Id, v, q => Entry(q.Name), default))));

        var read = await Questions.GetAsync(e.Id, question.Id, default);
        Assert.Equal(60, outcomes.Count(o => o.Outcome == VoteOutcome.Counted));
        Assert.Equal(120, outcomes.Count(o => o.Outcome == VoteOutcome.AlreadyCounted));
        Assert.Equal(60, read!.Votes);
        Assert.All(voters, v => Assert.Contains(outcomes, o => o.Outcome == VoteOutcome.Counted));
    }
}
