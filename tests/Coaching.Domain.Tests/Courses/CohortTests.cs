using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using NodaTime;

namespace Coaching.Domain.Tests.Courses;

public class CohortTests
{
    private static readonly Instant Start = Instant.FromUtc(2027, 1, 11, 18, 0);

    private static readonly CohortDraft Draft = new("January", "Europe/London",
        [new CohortSession(Start, Duration.FromMinutes(90), "One"), new CohortSession(Start + Duration.FromDays(7), Duration.FromMinutes(90), "Two")],
        ["c1"], 12, Start - Duration.FromDays(30), Start, CohortState.Open);

    private static Cohort Valid() => Cohort.Create("h1", "k1", Draft, Start - Duration.FromDays(40)) with { EnrolledCount = 3 };

    [Fact]
    public void Valid_SeatsLeftFollowCounts_ChangeBumpsTheVersion()
    {
        Assert.Equal(9, Valid().SeatsLeft);
        Assert.Equal(0, (Valid() with { EnrolledCount = 15 }).SeatsLeft);
        var changed = Valid().Change(new CohortDraft(Capacity: 20, EnrolmentOpen: Start + Duration.FromDays(1), EnrolmentClose: Start + Duration.FromDays(2)), Start);
        Assert.Equal((20, 2L, Start), (changed.Capacity, changed.Version, changed.UpdateTime));
        Assert.Equal(Start + Duration.FromDays(1), changed.EnrolmentOpen);
    }

    public static TheoryData<CohortDraft, string> Invalid => new()
    {
        { Draft with { Capacity = 0 }, "cohort.capacity" },
        { Draft with { Capacity = 1001 }, "cohort.capacity" },
        { Draft with { TimeZoneId = "Mars/Base" }, "cohort.time_zone" },
        { Draft with { EnrolmentClose = Start - Duration.FromDays(40) }, "cohort.enrolment_close_time" },
        { Draft with { Sessions = [] }, "cohort.sessions" },
        { Draft with { CoachIds = ["c1", "c1"] }, "cohort.coaches" },
        { Draft with { Sessions = [new CohortSession(Start, Duration.FromMinutes(10), "")] }, "cohort.sessions[0].duration" },
        { Draft with { Sessions = [new CohortSession(Start + Duration.FromMinutes(2), Duration.FromMinutes(60), "")] }, "cohort.sessions[0].start_time" },
        { Draft with { Sessions = [new CohortSession(Start, Duration.FromMinutes(60), ""), new CohortSession(Start + Duration.FromMinutes(30), Duration.FromMinutes(60), "")] },
            "cohort.sessions[1].start_time" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_NamesTheField_WhereverTheCohortIsMade(CohortDraft draft, string field)
    {
        var created = Assert.Throws<DomainException>(() => Cohort.Create("h1", "k1", draft, Start - Duration.FromDays(40)));
        var changed = Assert.Throws<DomainException>(() => Valid().Change(draft, Start));
        var copied = Assert.Throws<DomainException>(() => Valid() with
        {
            Capacity = draft.Capacity ?? 12, TimeZoneId = draft.TimeZoneId ?? "UTC", EnrolmentClose = draft.EnrolmentClose ?? Start,
            Sessions = draft.Sessions ?? Draft.Sessions!, CoachIds = draft.CoachIds ?? ["c1"],
        });

        Assert.Contains(field, created.Violations.Select(v => v.Field));
        Assert.Contains(field, changed.Violations.Select(v => v.Field));
        Assert.Contains(field, copied.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Create_ReportsEveryBadFieldAtOnce_AndNeverStartsCancelled()
    {
        var error = Assert.Throws<DomainException>(() => Cohort.Create("h1", "k1", new CohortDraft(State: CohortState.Cancelled), Start));
        var cancelled = Valid() with { State = CohortState.Cancelled };

        Assert.Equal(["cohort.display_name", "cohort.time_zone", "cohort.capacity", "cohort.enrolment_close_time", "cohort.sessions", "cohort.coaches", "cohort.state"],
            error.Violations.Select(v => v.Field).Distinct());
        Assert.Equal("COHORT_CANCELLED", Assert.Throws<DomainException>(() => cancelled.Change(new CohortDraft(Capacity: 3), Start)).Reason);
    }

    [Theory]
    [InlineData("1|0000000000000000007|01abc", true)]
    [InlineData("2|0000000000000000012|x", true)]
    [InlineData("4|0000000000000000007|01abc", false)]
    [InlineData("1|7|", false)]
    [InlineData("1|000000000000000000a|01abc", false)]
    [InlineData("garbage", false)]
    public void EnrolmentCursor_ReadsOnlyWhatItWrites(string key, bool valid)
    {
        if (valid)
        {
            Assert.Equal(key.Replace("|0000000000000000007|", "|7|", StringComparison.Ordinal).Replace("|0000000000000000012|", "|12|", StringComparison.Ordinal),
                EnrolmentCursor.Parse(key).Format());
        }
        else
        {
            Assert.Equal("page_token", Assert.Throws<DomainException>(() => EnrolmentCursor.Parse(key)).Violations[0].Field);
        }
    }

    [Fact]
    public void Course_Create_Validates()
    {
        var error = Assert.Throws<DomainException>(() => Course.Create("k", "", null, [new string('x', 301)], 0, Start));

        Assert.Equal(["course.title", "course.outcomes[0]", "course.session_count"], error.Violations.Select(v => v.Field));
    }
}
