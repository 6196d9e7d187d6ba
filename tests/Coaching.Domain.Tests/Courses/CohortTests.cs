using Coaching.Domain.Common;
using Coaching.Domain.Courses;
using NodaTime;

namespace Coaching.Domain.Tests.Courses;

public class CohortTests
{
    private static readonly Instant Start = Instant.FromUtc(2027, 1, 11, 18, 0);

    private static Cohort Valid() => new()
    {
        Id = "h1", CourseId = "k1", DisplayName = "January", TimeZoneId = "Europe/London",
        Sessions = [new CohortSession(Start, Duration.FromMinutes(90), "One"), new CohortSession(Start + Duration.FromDays(7), Duration.FromMinutes(90), "Two")],
        CoachIds = ["c1"], Capacity = 12, EnrolmentOpen = Start - Duration.FromDays(30), EnrolmentClose = Start, State = CohortState.Open,
        EnrolledCount = 3, WaitlistCount = 0, CreateTime = Start, UpdateTime = Start, Version = 1,
    };

    [Fact]
    public void Valid_Passes_AndSeatsLeftFollowCounts()
    {
        Valid().Validate();

        Assert.Equal(9, Valid().SeatsLeft);
        Assert.Equal(0, (Valid() with { EnrolledCount = 15 }).SeatsLeft);
    }

    public static TheoryData<Cohort, string> Invalid => new()
    {
        { Valid() with { Capacity = 0 }, "cohort.capacity" },
        { Valid() with { Capacity = 1001 }, "cohort.capacity" },
        { Valid() with { TimeZoneId = "Mars/Base" }, "cohort.time_zone" },
        { Valid() with { EnrolmentClose = Start - Duration.FromDays(40) }, "cohort.enrolment_close_time" },
        { Valid() with { Sessions = [] }, "cohort.sessions" },
        { Valid() with { CoachIds = ["c1", "c1"] }, "cohort.coaches" },
        { Valid() with { Sessions = [new CohortSession(Start, Duration.FromMinutes(10), "")] }, "cohort.sessions[0].duration" },
        { Valid() with { Sessions = [new CohortSession(Start + Duration.FromMinutes(2), Duration.FromMinutes(60), "")] }, "cohort.sessions[0].start_time" },
        { Valid() with { Sessions = [new CohortSession(Start, Duration.FromMinutes(60), ""), new CohortSession(Start + Duration.FromMinutes(30), Duration.FromMinutes(60), "")] },
            "cohort.sessions[1].start_time" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_NamesTheField(Cohort cohort, string field)
    {
        var error = Assert.Throws<DomainException>(cohort.Validate);

        Assert.Contains(field, error.Violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData("1|0000000000000000007|01abc", true)]
    [InlineData("2|0000000000000000012|x", true)]
    [InlineData("4|0000000000000000007|01abc", false)]
    [InlineData("1|7|01abc", false)]
    [InlineData("1|000000000000000000a|01abc", false)]
    [InlineData("garbage", false)]
    public void EnrolmentOrder_RecognisesItsOwnKeys(string key, bool valid) => Assert.Equal(valid, EnrolmentOrder.IsKey(key));

    [Fact]
    public void Course_Create_Validates()
    {
        var error = Assert.Throws<DomainException>(() => Course.Create("k", "", null, [new string('x', 301)], 0, Start));

        Assert.Equal(["course.title", "course.outcomes[0]", "course.session_count"], error.Violations.Select(v => v.Field));
    }
}
