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

    [Fact]
    public void Ulid_TimePart_IsTheSpecsCrockfordEncoding()
    {
        // The ULID specification's example: 1469918176385 ms is "01ARYZ6S41" (Crockford base32, here in lower case).
        var ids = new UlidGenerator(new FakeClock(Instant.FromUnixTimeMilliseconds(1469918176385)));

        var id = ids.NewId();

        Assert.StartsWith("01aryz6s41", id, StringComparison.Ordinal);
        Assert.Equal(26, id.Length);
    }
}

public class ExcerptTests
{
    [Theory]
    [InlineData("", "")]
    [InlineData("Europe/London", "Europe/London")]
    public void Excerpt_ShortValue_Unchanged(string value, string expected) => Assert.Equal(expected, Coaching.Domain.Common.Text.Excerpt(value));

    [Fact]
    public void Excerpt_LongValue_CutWithEllipsis_NeverInsideASurrogatePair()
    {
        var plain = Coaching.Domain.Common.Text.Excerpt(new string('z', 40_000));
        var emoji = Coaching.Domain.Common.Text.Excerpt("a" + string.Concat(Enumerable.Repeat("😀", 40)));

        Assert.Equal(new string('z', 64) + "…", plain);
        Assert.Equal(64, emoji.Length); // 63 characters: the 64th would have been half of an emoji.
        Assert.EndsWith("…", emoji, StringComparison.Ordinal);
        Assert.False(char.IsHighSurrogate(emoji[^2]));
        Assert.Equal(emoji, System.Text.Encoding.UTF8.GetString(System.Text.Encoding.UTF8.GetBytes(emoji)));
    }
}
