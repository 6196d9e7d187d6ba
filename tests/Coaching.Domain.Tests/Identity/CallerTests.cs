using Coaching.Domain.Common;
using Coaching.Domain.Identity;

namespace Coaching.Domain.Tests.Identity;

public class CallerTests
{
    [Fact]
    public void Coach_ActsOnlyForOwnCoach_AdminForAll()
    {
        var coach = new Caller("u1", Role.Coach, "c1");
        var admin = new Caller("u2", Role.Admin);
        var client = new Caller("u3", Role.Client);

        Assert.True(coach.ActsFor("c1"));
        Assert.False(coach.ActsFor("c2"));
        Assert.True(admin.ActsFor("c2"));
        Assert.False(client.ActsFor("c1"));
    }

    [Fact]
    public void RequireActsFor_OtherCoach_IsPermissionDenied()
    {
        var error = Assert.Throws<DomainException>(() => new Caller("u1", Role.Coach, "c1").RequireActsFor("c2", "edit"));

        Assert.Equal(ErrorKind.PermissionDenied, error.Kind);
        Assert.Equal("NOT_RESOURCE_OWNER", error.Reason);
    }

    [Fact]
    public void Construct_CoachWithoutBinding_OrClientWithBinding_Throws()
    {
        Assert.Throws<ArgumentException>(() => new Caller("u1", Role.Coach));
        Assert.Throws<ArgumentException>(() => new Caller("u1", Role.Client, "c1"));
    }
}
