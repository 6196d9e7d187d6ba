using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using Coaching.Domain.Identity;
using Coaching.Domain.Outbox;
using NodaTime;

namespace Coaching.Domain.Events;

/// <summary>
/// Questions for an event's hosts. People with a live registration (seated or waiting) ask, before and during the session, and
/// upvote others' questions once each; hosts (and admins) see every question, most votes first, and answer, hide, merge or
/// delete them; an asker may delete their own. An asker sees their own questions and others' named ones; anonymous questions
/// are for the hosts only. Once someone withdraws, their questions stay for the hosts but are no longer shown as theirs. Every
/// change goes on the event stream to the hosts and the live registrants (an anonymous question's author and a hidden question's
/// text are left out).
/// </summary>
public sealed class QuestionDesk(IQuestionStore questions, EventDesk events, ICourseStore courses, IEventEncoder encoder, IClock clock, IIdGenerator ids)
{
    /// <summary>What a caller may do with an event's questions.</summary>
    private enum Standing
    {
        None,
        Registrant,
        Host,
    }

    /// <summary>Asks a question (live registrants of an event that has not been held, cancelled or withdrawn).</summary>
    public async Task<Question> AskAsync(Caller caller, string eventId, string? text, bool anonymous, string? requestId, CancellationToken ct)
    {
        var v = new Violations();
        v.Text(text?.Trim(), "question.text", 1, Question.MaxText);
        v.FreeText(text, "question.text", Question.MaxText);
        v.ThrowIfAny();
        var (found, standing, live) = await StandingAsync(caller, eventId, ct);
        if (standing != Standing.Registrant || !live.Contains(caller.UserId))
        {
            throw new DomainException(ErrorKind.PermissionDenied, "REGISTRATION_REQUIRED", "Only people registered for the event may ask questions.");
        }

        EnsureRunning(found);
        var now = Now();
        var key = IdempotencyKey.Create(caller.UserId, requestId ?? ids.NewId(), required: true, eventId, text!.Trim(), anonymous)!;
        var question = new Question
        {
            Id = ids.NewId(), EventId = eventId, AuthorId = caller.UserId, Text = text.Trim(), Anonymous = anonymous, State = QuestionState.Open,
            MergedInto = string.Empty, Votes = 0, CreateTime = now, UpdateTime = now, Version = 1,
        };
        var result = await questions.CreateAsync(question, key, Entry("question.created", question, found, live), ct);
        if (!result.Created && result.Fingerprint != key.Fingerprint)
        {
            Fail.RequestIdReused(key.RequestId);
        }

        return result.Value;
    }

    /// <summary>
    /// The questions the caller may see, in hosts' order (most votes, then oldest), each with whether the caller voted and whether
    /// the asker is shown to them.
    /// </summary>
    public async Task<Page<(QuestionView View, bool ShowsAuthor)>> ListAsync(Caller caller, string eventId, int pageSize, string? pageToken, CancellationToken ct)
    {
        var (_, standing, live) = await StandingAsync(caller, eventId, ct);
        if (standing == Standing.None || (standing == Standing.Registrant && !live.Contains(caller.UserId)))
        {
            throw new DomainException(ErrorKind.PermissionDenied, "REGISTRATION_REQUIRED", "Only the event's hosts and registrants may see its questions.");
        }

        var filter = $"questions|{eventId}";
        var page = PageRequest.Parse(pageSize, pageToken, filter);
        var after = page.After is { } text ? QuestionCursor.Parse(text) ?? Fail.Invalid<QuestionCursor?>("page_token", "is not a token this call issued") : null;
        var rows = await questions.ListAsync(eventId, caller.UserId, after, page.Size + 1, ct);
        var fetched = Page.FromFetched(rows, page, r => QuestionCursor.Of(r.Question).Format(), filter);
        var visible = fetched.Items.Where(r => standing == Standing.Host || SeenByRegistrant(r.Question, caller.UserId))
            .Select(r => (r, ShowsAuthor(r.Question, caller, standing, live))).ToList();
        return new Page<(QuestionView, bool)>(visible, fetched.NextPageToken);
    }

    /// <summary>Hosts and admins: answer, hide, reopen, or merge into another question of the event.</summary>
    public async Task<Question> ModerateAsync(Caller caller, string eventId, string questionId, QuestionState? state, string? mergeInto, string? etag,
        CancellationToken ct)
    {
        var (found, standing, live) = await StandingAsync(caller, eventId, ct);
        if (standing != Standing.Host)
        {
            throw EventErrors.HostOrAdminRequired("moderate questions");
        }

        var current = await questions.GetAsync(eventId, questionId, ct) ?? Fail.NotFound<Question>(Question.NameOf(eventId, questionId));
        Etags.Check(etag, current.Version, current.Name);
        var v = new Violations();
        v.Require(state is null or QuestionState.Open or QuestionState.Answered or QuestionState.Hidden || (state == QuestionState.Merged && mergeInto is not null),
            "question.state", "must be OPEN, ANSWERED or HIDDEN (a merge sets merged_into)");
        v.Require(mergeInto is null || mergeInto != questionId, "question.merged_into", "must name another question");
        v.Require(state is not null || mergeInto is not null, "update_mask", "must name state or merged_into");
        v.ThrowIfAny();
        if (mergeInto is not null)
        {
            var target = await questions.GetAsync(eventId, mergeInto, ct);
            if (target is null || target.State == QuestionState.Merged)
            {
                Fail.Invalid("question.merged_into", "must name a question of this event that is not itself merged");
            }
        }

        var changed = current with
        {
            State = mergeInto is not null ? QuestionState.Merged : state!.Value,
            MergedInto = mergeInto ?? (state is null ? current.MergedInto : string.Empty),
            UpdateTime = Now(),
            Version = current.Version + 1,
        };
        if (!await questions.UpdateAsync(changed, current.Version, Entry("question.changed", changed, found, live), ct))
        {
            throw Fail.StaleEtagError(current.Name);
        }

        // The votes follow the merge once it is stored: a merge refused as stale moves none. Adding voters is idempotent, so if this
        // process stops in between, repeating the merge into the same question completes it.
        if (mergeInto is not null)
        {
            await questions.MergeVotesAsync(eventId, questionId, mergeInto, ct);
        }

        return changed;
    }

    /// <summary>Deletes a question: hosts and admins any, the asker their own.</summary>
    public async Task DeleteAsync(Caller caller, string eventId, string questionId, CancellationToken ct)
    {
        var (found, standing, live) = await StandingAsync(caller, eventId, ct);
        var current = await questions.GetAsync(eventId, questionId, ct);
        if (current is null || (standing != Standing.Host && !SeenByRegistrant(current, caller.UserId)))
        {
            Fail.NotFound(Question.NameOf(eventId, questionId));
        }

        if (standing != Standing.Host && current.AuthorId != caller.UserId)
        {
            throw new DomainException(ErrorKind.PermissionDenied, "NOT_RESOURCE_OWNER", "Only the asker, the event's hosts or an admin may delete a question.");
        }

        if (!await questions.DeleteAsync(eventId, questionId, Entry("question.deleted", current, found, live), ct))
        {
            Fail.NotFound(current.Name);
        }
    }

    /// <summary>Upvotes another registrant's question once (a second vote changes nothing).</summary>
    public async Task<QuestionView> VoteAsync(Caller caller, string eventId, string questionId, CancellationToken ct)
    {
        var (found, standing, live) = await StandingAsync(caller, eventId, ct);
        if (standing != Standing.Registrant || !live.Contains(caller.UserId))
        {
            throw new DomainException(ErrorKind.PermissionDenied, "REGISTRATION_REQUIRED", "Only people registered for the event may vote.");
        }

        EnsureRunning(found);
        var current = await questions.GetAsync(eventId, questionId, ct);
        if (current is null || !SeenByRegistrant(current, caller.UserId))
        {
            Fail.NotFound(Question.NameOf(eventId, questionId));
        }

        if (current.AuthorId == caller.UserId)
        {
            throw Fail.Precondition("OWN_QUESTION", "People vote for others' questions, not their own.", current.Name);
        }

        var (outcome, voted) = await questions.VoteAsync(eventId, questionId, caller.UserId, q => Entry("question.changed", q, found, live), ct);
        return outcome == VoteOutcome.Missing || voted is null ? Fail.NotFound<QuestionView>(current.Name) : new QuestionView(voted, true);
    }

    /// <summary>Whether the asker is shown to <paramref name="caller"/>: never once they withdrew; to hosts and to themself always; to others when named.</summary>
    private static bool ShowsAuthor(Question q, Caller caller, Standing standing, IReadOnlySet<string> live) =>
        live.Contains(q.AuthorId) && (standing == Standing.Host || q.AuthorId == caller.UserId || !q.Anonymous);

    // A registrant sees their own questions, and others' named ones that are open or answered.
    private static bool SeenByRegistrant(Question q, string userId) =>
        q.AuthorId == userId || (!q.Anonymous && q.State is QuestionState.Open or QuestionState.Answered);

    private static void EnsureRunning(ScheduledEvent e)
    {
        if (e.State is not (EventState.Open or EventState.Closed))
        {
            throw Fail.Precondition("EVENT_NOT_RUNNING", $"Questions are asked and voted on while an event is open or closed for registration; this one is {e.State.ToString().ToLowerInvariant()}.", e.Name);
        }
    }

    // The event (as the caller may see it), the caller's standing, and the people holding a live registration (one query).
    private async Task<(ScheduledEvent Event, Standing Standing, IReadOnlySet<string> Live)> StandingAsync(Caller caller, string eventId, CancellationToken ct)
    {
        var (found, _) = await events.GetAsync(caller, eventId, ct);
        var registrations = await courses.ListEnrolmentsAsync(new EnrolmentQuery(eventId, null, null, null, Cohort.MaxWaitlist + ScheduledEvent.MaxSeats + 1), ct);
        var live = registrations.Where(e => e.State is EnrolmentState.Enrolled or EnrolmentState.Waitlisted).Select(e => e.ClientId).ToHashSet(StringComparer.Ordinal);
        var standing = caller.IsAdmin || (caller.Role == Role.Coach && caller.CoachId is { } coach && found.Cohort.CoachIds.Contains(coach)) ? Standing.Host
            : caller.Role == Role.Client ? Standing.Registrant
            : Standing.None;
        return (found, standing, live);
    }

    // Question events go to the hosts and the live registrants; the payload leaves out what not all of them may see.
    private OutboxEntry Entry(string type, Question q, ScheduledEvent e, IReadOnlySet<string> live)
    {
        var time = Now();
        var id = ids.NewId();
        var shared = q with
        {
            AuthorId = q.Anonymous || !live.Contains(q.AuthorId) ? string.Empty : q.AuthorId,
            Text = q.State is QuestionState.Hidden || q.Anonymous ? string.Empty : q.Text,
        };
        var audience = e.Cohort.CoachIds.Select(ResourceNames.Coach).Concat(live.Select(ResourceNames.User)).ToList();
        return new OutboxEntry(id, type, q.Name, audience, encoder.Encode(id, type, q.Name, time, shared), null, time);
    }

    private Instant Now() => Instants.TruncateToMilliseconds(clock.GetCurrentInstant());
}
