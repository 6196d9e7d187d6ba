using System.Text;
using Coaching.Domain.Calendar;
using CsCheck;

namespace Coaching.Calendar.Tests;

/// <summary>The emitted bytes themselves: golden files, line endings, folding, escaping, injection.</summary>
public class IcalWriterTests
{
    private readonly IcalWriter _writer = new();

    public static TheoryData<string> Kinds => ["request", "cancel", "feed"];

    private byte[] Emit(string kind) => kind switch
    {
        "request" => _writer.WriteInvite(InviteMethod.Request, Samples.Session()),
        "cancel" => _writer.WriteInvite(InviteMethod.Cancel, Samples.Session(1, SessionStatus.Cancelled)),
        _ => _writer.WriteFeed("Coaching sessions", [Samples.Session(), Samples.Session(2, SessionStatus.Cancelled, 14) with { Uid = "booking-2@coaching" }]),
    };

    [Fact]
    public void AsciiLines_FoldExactlyAsTheClusterWalkFoldsThem()
    {
        // The ASCII fast path must give the general fold's bytes: every length around the 75/74-octet boundaries, any printable text.
        Gen.Int[1, 400].SelectMany(length => Gen.Char[' ', '~'].Array[length]).Sample(chars =>
        {
            var line = new string(chars);
            var expected = new StringBuilder();
            Folding.FoldClusters(expected, line);

            Assert.Equal(expected.ToString(), Folding.Refold(line + "\r\n")[..^2]);
        }, iter: 2_000);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Output_MatchesGoldenFileByteForByte(string kind)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Golden", $"{kind}.ics");
        var actual = Emit(kind);
        if (Environment.GetEnvironmentVariable("COACHING_UPDATE_GOLDEN") is { } target)
        {
            File.WriteAllBytes(Path.Combine(target, $"{kind}.ics"), actual);
        }

        Assert.Equal(File.ReadAllBytes(path), actual);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Lines_EndWithCrlf_AreAtMost75Octets_AndNeverSplitUtf8(string kind) => AssertWellFormed(Emit(kind));

    [Fact]
    public void ArbitraryUnicode_FoldsOnlyBetweenCharacters_AndBetweenGraphemeClustersThatFitOnALine()
    {
        Gen.Select(UnicodeText.Text(120), UnicodeText.Text(40), UnicodeText.Text(20)).Sample((description, summary, name) =>
        {
            var bytes = _writer.WriteInvite(InviteMethod.Request, Samples.Session() with { Description = description, Summary = summary, AttendeeName = name });

            Assert.True(UnicodeText.LinesAreStrictUtf8(bytes), "a physical line is not valid UTF-8");
            var text = Encoding.UTF8.GetString(bytes);
            foreach (var physical in text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
            {
                Assert.InRange(Encoding.UTF8.GetByteCount(physical), 1, Folding.MaxOctets);
            }

            foreach (var logical in text.Replace("\r\n ", "\u0000", StringComparison.Ordinal).Split("\r\n"))
            {
                var line = logical.Replace("\u0000", string.Empty, StringComparison.Ordinal);
                var starts = System.Globalization.StringInfo.ParseCombiningCharacters(line);
                var offset = 0;
                foreach (var piece in logical.Split('\u0000').SkipLast(1))
                {
                    offset += piece.Length;
                    var cluster = Array.FindLastIndex(starts, s => s <= offset);
                    var clusterEnd = cluster + 1 < starts.Length ? starts[cluster + 1] : line.Length;
                    var clusterOctets = Encoding.UTF8.GetByteCount(line.AsSpan(starts[cluster], clusterEnd - starts[cluster]));
                    Assert.True(starts[cluster] == offset || clusterOctets > Folding.MaxOctets - 1,
                        $"fold at {offset} splits a {clusterOctets}-octet cluster in: {line}");
                    Assert.False(char.IsLowSurrogate(line[offset]), "fold inside a surrogate pair");
                }
            }
        }, iter: 500);
    }

    [Fact]
    public void HostileText_CannotInjectProperties_AndRoundTrips()
    {
        var entry = Samples.Hostile();

        var bytes = _writer.WriteInvite(InviteMethod.Request, entry);

        AssertWellFormed(bytes);
        var names = Unfold(bytes).Select(l => l.Split([':', ';'], 2)[0]).ToList();
        Assert.Equal(1, names.Count(n => n == "ORGANIZER"));
        Assert.Equal(1, names.Count(n => n == "ATTENDEE"));
        Assert.Equal(["BEGIN", "METHOD", "PRODID", "VERSION", "BEGIN", "ATTENDEE", "DESCRIPTION", "DTEND", "DTSTAMP", "DTSTART", "ORGANIZER",
            "SEQUENCE", "STATUS", "SUMMARY", "TRANSP", "UID", "END", "END"], names);
        var parsed = Ical.Net.Calendar.Load(Encoding.UTF8.GetString(bytes))!.Events.Single();
        Assert.Equal(entry.Summary.Replace("\r\n", "\n", StringComparison.Ordinal), parsed.Summary);
        Assert.Equal(entry.Description, parsed.Description);
        Assert.Equal("mailto:ada@example.org", parsed.Organizer!.Value!.ToString());
    }

    [Fact]
    public void Cancel_CarriesMethodStatusAndNextSequence()
    {
        var text = Encoding.UTF8.GetString(_writer.WriteInvite(InviteMethod.Cancel, Samples.Session(3, SessionStatus.Cancelled)));
        var lines = Unfold(Encoding.UTF8.GetBytes(text)).ToList();

        Assert.Contains("METHOD:CANCEL", lines);
        Assert.Contains("STATUS:CANCELLED", lines);
        Assert.Contains("SEQUENCE:3", lines);
        Assert.Contains("DTSTART:20261207T090000Z", lines);
    }

    [Fact]
    public void Feed_HasPublishAndSubscriptionHints()
    {
        var lines = Unfold(Emit("feed")).ToList();

        Assert.Contains("METHOD:PUBLISH", lines);
        Assert.Contains("X-WR-CALNAME:Coaching sessions", lines);
        Assert.Contains("NAME:Coaching sessions", lines);
        Assert.Contains("REFRESH-INTERVAL;VALUE=DURATION:PT1H", lines);
        Assert.Contains("X-PUBLISHED-TTL:PT1H", lines);
        Assert.Equal(2, lines.Count(l => l == "BEGIN:VEVENT"));
    }

    internal static void AssertWellFormed(byte[] bytes)
    {
        var text = bytes.AsSpan();
        Assert.True(bytes.Length > 2 && bytes[^2] == '\r' && bytes[^1] == '\n', "must end with CRLF");
        var strict = new UTF8Encoding(false, true);
        var start = 0;
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] == '\n')
            {
                Assert.True(i > 0 && bytes[i - 1] == '\r', $"bare LF at byte {i}");
                var line = text[start..(i - 1)];
                Assert.True(line.Length <= 75, $"line of {line.Length} octets: {Encoding.UTF8.GetString(line)}");
                _ = strict.GetString(line); // throws if a fold split a UTF-8 sequence
                start = i + 1;
            }
            else if (bytes[i] == '\r')
            {
                Assert.True(i + 1 < bytes.Length && bytes[i + 1] == '\n', $"bare CR at byte {i}");
            }
        }
    }

    internal static IEnumerable<string> Unfold(byte[] bytes) =>
        Encoding.UTF8.GetString(bytes).Replace("\r\n ", string.Empty, StringComparison.Ordinal).Replace("\r\n\t", string.Empty, StringComparison.Ordinal)
            .Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
}
