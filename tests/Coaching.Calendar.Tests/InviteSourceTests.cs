using System.Text;
using Coaching.Domain.Calendar;
using CsCheck;
using NodaTime;

namespace Coaching.Calendar.Tests;

/// <summary>
/// A booking's invite is stored as its source and written when read or sent: the text written from the source is the text
/// the writer gives for the same entries, whatever they say, and content that is text already passes through untouched.
/// </summary>
public class InviteSourceTests
{
    private readonly IcalWriter _writer = new();

    [Fact]
    public void ARandomEntry_WrittenFromItsSource_IsWhatTheWriterWritesForIt()
    {
        Gen.Select(UnicodeText.Text(80), UnicodeText.Text(200), UnicodeText.Text(30), Gen.Long[0, 4_000_000_000_000_000], Gen.Int[0, 40],
                Gen.Int[0, 2], Gen.Int[0, 1])
            .Sample((summary, description, name, ticks, sequence, status, cancel) =>
            {
                var start = Instant.FromUnixTimeTicks(ticks);
                var entry = Samples.Session() with
                {
                    Summary = summary, Description = description, AttendeeName = name, Sequence = sequence, Start = start,
                    End = start + Duration.FromMinutes(45), Stamp = start - Duration.FromTicks(ticks % 9_999_999), Status = (SessionStatus)status,
                    Location = name,
                };
                var method = cancel == 1 ? InviteMethod.Cancel : InviteMethod.Request;

                var source = InviteSource.Encode(method, [entry]);

                Assert.Equal(_writer.WriteInvite(method, entry), InviteSource.Render(source, _writer));
                Assert.False(Encoding.UTF8.GetString(source).Contains("BEGIN:VCALENDAR", StringComparison.Ordinal));
            }, iter: 300);
    }

    [Fact]
    public void ContentThatIsTextAlready_PassesThrough_ByteForByte()
    {
        var stored = _writer.WriteInvite(InviteMethod.Request, Samples.Hostile());

        Assert.Same(stored, InviteSource.Render(stored, _writer));
    }
}
