using Coaching.Domain.Coaches;
using Coaching.Domain.Common;
using NodaTime;

namespace Coaching.Domain.Tests.Coaches;

public class OfferingTests
{
    private static readonly Instant Now = Instant.FromUtc(2026, 11, 29, 9, 0);

    private static OfferingDraft Valid() => new("Career coaching", Duration: Duration.FromMinutes(45));

    [Fact]
    public void Create_Minimal_AppliesDefaults()
    {
        var offering = Offering.Create("o1", "c1", Valid(), Now);

        Assert.Equal(Duration.FromMinutes(45), offering.Duration);
        Assert.Equal(Offering.DefaultHorizon, offering.BookingHorizon);
        Assert.Equal(Duration.Zero, offering.BufferBefore);
        Assert.Equal(0, offering.DailyCap);
        Assert.False(offering.RequiresConfirmation);
        Assert.Equal("coaches/c1/offerings/o1", offering.Name);
    }

    public static TheoryData<OfferingDraft, string> InvalidDrafts => new()
    {
        { Valid() with { Title = " " }, "offering.title" },
        { Valid() with { Duration = null }, "offering.duration" },
        { Valid() with { Duration = Duration.FromMinutes(4) }, "offering.duration" },
        { Valid() with { Duration = Duration.FromHours(8) + Duration.FromMinutes(1) }, "offering.duration" },
        { Valid() with { Duration = Duration.FromSeconds(45 * 60 + 30) }, "offering.duration" },
        { Valid() with { Duration = Duration.FromMinutes(42) }, "offering.duration" },
        { Valid() with { BufferBefore = Duration.FromMinutes(-5) }, "offering.buffer_before" },
        { Valid() with { BufferBefore = Duration.FromMinutes(7) }, "offering.buffer_before" },
        { Valid() with { BufferAfter = Duration.FromHours(5) }, "offering.buffer_after" },
        { Valid() with { MinimumNotice = Duration.FromDays(31) }, "offering.minimum_notice" },
        { Valid() with { BookingHorizon = Duration.FromDays(366) }, "offering.booking_horizon" },
        { Valid() with { DailyCap = -1 }, "offering.daily_cap" },
        { Valid() with { WeeklyCap = 501 }, "offering.weekly_cap" },
        { Valid() with { CancellationCutoff = Duration.FromDays(40) }, "offering.cancellation_cutoff" },
    };

    [Theory]
    [MemberData(nameof(InvalidDrafts))]
    public void Create_OutOfRange_NamesTheField(OfferingDraft draft, string field)
    {
        var error = Assert.Throws<DomainException>(() => Offering.Create("o1", "c1", draft, Now));

        Assert.Equal(ErrorKind.InvalidArgument, error.Kind);
        Assert.Contains(field, error.Violations.Select(v => v.Field));
    }

    [Fact]
    public void Create_HorizonNotBeyondNotice_IsRejected()
    {
        var draft = Valid() with { MinimumNotice = Duration.FromDays(10), BookingHorizon = Duration.FromDays(10) };

        var error = Assert.Throws<DomainException>(() => Offering.Create("o1", "c1", draft, Now));

        Assert.Equal("offering.booking_horizon", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Apply_ChangesOnlyGivenFields()
    {
        var offering = Offering.Create("o1", "c1", Valid() with { DailyCap = 3 }, Now);

        var updated = offering.Apply(new OfferingDraft(RequiresConfirmation: true), Now);

        Assert.True(updated.RequiresConfirmation);
        Assert.Equal(3, updated.DailyCap);
        Assert.Equal(offering.Title, updated.Title);
    }
}
