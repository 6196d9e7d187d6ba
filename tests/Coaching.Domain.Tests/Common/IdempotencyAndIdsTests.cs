using Coaching.Domain.Common;
using NodaTime;
using NodaTime.Testing;

namespace Coaching.Domain.Tests.Common;

public class IdempotencyAndIdsTests
{
    [Fact]
    public void Key_SameContent_SameFingerprint_DifferentContent_Differs()
    {
        var a = IdempotencyKey.Create("u1", "r1", true, "x", 1, new[] { "a", "b" })!;
        var b = IdempotencyKey.Create("u1", "r1", true, "x", 1, new[] { "a", "b" })!;
        var c = IdempotencyKey.Create("u1", "r1", true, "x", 1, new[] { "ab" })!;

        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
    }

    [Fact]
    public void Key_Optional_NullWhenAbsent_RequiredFails()
    {
        Assert.Null(IdempotencyKey.Create("u1", "", false));
        var error = Assert.Throws<DomainException>(() => IdempotencyKey.Create("u1", "", true));
        Assert.Equal("request_id", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Key_TooLong_Fails()
    {
        var error = Assert.Throws<DomainException>(() => IdempotencyKey.Create("u1", new string('r', 101), false));

        Assert.Equal("request_id", Assert.Single(error.Violations).Field);
    }

    [Fact]
    public void Ulid_IsWellFormedUniqueAndSortsByClock()
    {
        var clock = new FakeClock(Instant.FromUtc(2026, 1, 1, 0, 0));
        var ids = new UlidGenerator(clock);

        var first = ids.NewId();
        clock.Advance(Duration.FromMilliseconds(1));
        var second = ids.NewId();
        var many = Enumerable.Range(0, 1000).Select(_ => ids.NewId()).ToHashSet();

        Assert.True(UlidGenerator.IsWellFormed(first));
        Assert.True(string.CompareOrdinal(first, second) < 0);
        Assert.Equal(1000, many.Count);
    }
}
