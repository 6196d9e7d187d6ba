using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Tests.Coaches;

public class CoachTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 29, 9, 0);

    private static CoachDraft Valid() => new("Ada Lovelace", "Bio", "ada@example.org", ["CV"], "Europe/London");

    [Fact]
    public void Create_ValidDraft_NormalisesAndStartsAtVersionOne()
    {
        var coach = Coach.Create("c1", Valid() with { DisplayName = "  Ada  ", Specialties = [" Career  Moves ", "career moves", "CV"] }, Now);

        Assert.Equal("Ada", coach.DisplayName);
        Assert.Equal(["career moves", "cv"], coach.Specialties);
        Assert.Equal(1, coach.Version);
        Assert.Equal("\"1\"", coach.Etag);
        Assert.True(coach.Active);
        Assert.Equal("coaches/c1", coach.Name);
    }

    [Fact]
    public void Create_EveryFieldInvalid_ReportsEveryViolation()
    {
        var draft = new CoachDraft(string.Empty, new string('x', 5001), "not-an-email", ["ok", "   "], "Mars/Olympus_Mons");

        var error = Assert.Throws<DomainException>(() => Coach.Create("c1", draft, Now));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Equal(
            ["coach.display_name", "coach.bio", "coach.email", "coach.specialties[1]", "coach.time_zone"],
            error.Violations.Select(v => v.Field));
    }

    [Theory]
    [InlineData("Europe/London", true)]
    [InlineData("Asia/Kathmandu", true)]
    [InlineData("Australia/Lord_Howe", true)]
    [InlineData("europe/london", false)]
    [InlineData("GMT+5", false)]
    [InlineData("", false)]
    public void Create_TimeZone_MustBeTzdbId(string zone, bool valid)
    {
        var act = () => Coach.Create("c1", Valid() with { TimeZoneId = zone }, Now);

        if (valid)
        {
            Assert.Equal(zone, act().TimeZoneId);
        }
        else
        {
            var error = Assert.Throws<DomainException>(act);
            Assert.Equal("coach.time_zone", Assert.Single(error.Violations).Field);
        }
    }

    [Theory]
    [InlineData("a@b.co", true)]
    [InlineData("first.last+tag@sub.example.org", true)]
    [InlineData("no-at.example.org", false)]
    [InlineData("two@@example.org", false)]
    [InlineData("a@nodot", false)]
    [InlineData("a b@example.org", false)]
    [InlineData("a@example.org\r\nX-Evil: 1", false)]
    [InlineData("a;b@example.org", false)]
    public void EmailAddress_IsPlausible(string email, bool expected) =>
        Assert.Equal(expected, EmailAddress.IsPlausible(email));

    [Fact]
    public void Create_DisplayNameWithNewline_IsRejected()
    {
        var error = Assert.Throws<DomainException>(() => Coach.Create("c1", Valid() with { DisplayName = "Ada\nORGANIZER:evil" }, Now));

        Assert.Equal("coach.display_name", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Create_TooManySpecialties_IsRejected()
    {
        var tags = Enumerable.Range(0, Coach.MaxSpecialties + 1).Select(i => $"tag {i}").ToList();

        var error = Assert.Throws<DomainException>(() => Coach.Create("c1", Valid() with { Specialties = tags }, Now));

        Assert.Equal("coach.specialties", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Apply_OnlyGivenFieldsChange()
    {
        var coach = Coach.Create("c1", Valid(), Now);
        var later = Now + Duration.FromMinutes(5);

        var updated = coach.Apply(new CoachDraft(Bio: "New bio"), later);

        Assert.Equal("New bio", updated.Bio);
        Assert.Equal(coach.DisplayName, updated.DisplayName);
        Assert.Equal(coach.Specialties, updated.Specialties);
        Assert.Equal(later, updated.UpdateTime);
        Assert.Equal(Now, updated.CreateTime);
    }

    [Fact]
    public void Apply_InvalidChange_Throws()
    {
        var coach = Coach.Create("c1", Valid(), Now);

        var error = Assert.Throws<DomainException>(() => coach.Apply(new CoachDraft(TimeZoneId: "Nowhere/Land"), Now));

        Assert.Equal("coach.time_zone", Assert.Single(error.Violations).Field);
    }
}
