using System.Globalization;
using System.Text;

namespace Coaching.Calendar;

/// <summary>
/// RFC 5545 line folding (section 3.1) that respects characters: Ical.Net folds by UTF-16 units and can split a
/// surrogate pair, which every reader then decodes as U+FFFD. Its output is unfolded and folded again: lines of at
/// most 75 octets, continuation lines starting with one space, breaks only between grapheme clusters, and between
/// code points only inside a cluster too long for any line.
/// </summary>
public static class Folding
{
    /// <summary>Longest physical line in octets, without its CRLF.</summary>
    public const int MaxOctets = 75;

    /// <summary>Unfolds <paramref name="serialized"/> (CRLF followed by a space or tab) and folds every content line again.</summary>
    public static string Refold(string serialized)
    {
        var unfolded = serialized.Replace("\r\n ", string.Empty, StringComparison.Ordinal).Replace("\r\n\t", string.Empty, StringComparison.Ordinal);
        var folded = new StringBuilder(serialized.Length + (serialized.Length / 32));
        foreach (var line in unfolded.Split("\r\n"))
        {
            if (line.Length > 0)
            {
                FoldLine(folded, line);
                folded.Append("\r\n");
            }
        }

        return folded.ToString();
    }

    private static void FoldLine(StringBuilder output, string line)
    {
        if (System.Text.Ascii.IsValid(line))
        {
            // Every ASCII character is one octet and its own cluster (a line holds no CR or LF): break every 74 octets after the
            // first 75, which is what the cluster walk below gives, without making a string per character.
            var first = Math.Min(line.Length, MaxOctets);
            output.Append(line, 0, first);
            for (var at = first; at < line.Length; at += MaxOctets - 1)
            {
                output.Append("\r\n ").Append(line, at, Math.Min(MaxOctets - 1, line.Length - at));
            }

            return;
        }

        FoldClusters(output, line);
    }

    /// <summary>The general fold: whole grapheme clusters per line, code points only inside a cluster too long for any line.</summary>
    internal static void FoldClusters(StringBuilder output, string line)
    {
        var octets = 0;
        var clusters = StringInfo.GetTextElementEnumerator(line);
        while (clusters.MoveNext())
        {
            var cluster = clusters.GetTextElement();
            var size = Encoding.UTF8.GetByteCount(cluster);
            if (octets + size <= MaxOctets)
            {
                output.Append(cluster);
                octets += size;
            }
            else if (size <= MaxOctets - 1)
            {
                output.Append("\r\n ").Append(cluster);
                octets = 1 + size;
            }
            else
            {
                foreach (var rune in cluster.EnumerateRunes())
                {
                    if (octets + rune.Utf8SequenceLength > MaxOctets)
                    {
                        output.Append("\r\n ");
                        octets = 1;
                    }

                    output.Append(rune.ToString());
                    octets += rune.Utf8SequenceLength;
                }
            }
        }
    }
}
