using System.Globalization;
using Coaching.Domain.Common;

namespace Coaching.Domain.Courses;

/// <summary>
/// A position in the list order of enrolments: enrolled by arrival, then the waitlist by arrival, then withdrawn by arrival, ties
/// by id. Both stores order by the same (state, arrival, id); <see cref="CompareTo"/> is that order.
/// </summary>
public readonly record struct EnrolmentCursor(EnrolmentState State, long Arrival, string Id) : IComparable<EnrolmentCursor>
{
    /// <summary>The position of <paramref name="enrolment"/>.</summary>
    public static EnrolmentCursor Of(Enrolment enrolment) => new(enrolment.State, enrolment.Arrival, enrolment.Id);

    /// <summary>The text kept inside a page token.</summary>
    public string Format() => $"{(int)State}|{Arrival.ToString(CultureInfo.InvariantCulture)}|{Id}";

    /// <summary>Reads a cursor that <see cref="Format"/> wrote.</summary>
    /// <exception cref="DomainException">INVALID_ARGUMENT on page_token otherwise.</exception>
    public static EnrolmentCursor Parse(string text)
    {
        var parts = text.Split('|', 3);
        return parts.Length == 3 && parts[0] is "1" or "2" or "3"
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var arrival) && parts[2].Length > 0
            ? new EnrolmentCursor((EnrolmentState)(parts[0][0] - '0'), arrival, parts[2])
            : Fail.Invalid<EnrolmentCursor>("page_token", "is not a token returned by this list");
    }

    /// <inheritdoc />
    public int CompareTo(EnrolmentCursor other)
    {
        var byState = State.CompareTo(other.State);
        var byArrival = byState != 0 ? byState : Arrival.CompareTo(other.Arrival);
        return byArrival != 0 ? byArrival : string.CompareOrdinal(Id, other.Id);
    }

    /// <summary>Before in list order.</summary>
    public static bool operator <(EnrolmentCursor left, EnrolmentCursor right) => left.CompareTo(right) < 0;

    /// <summary>Before or at in list order.</summary>
    public static bool operator <=(EnrolmentCursor left, EnrolmentCursor right) => left.CompareTo(right) <= 0;

    /// <summary>After in list order.</summary>
    public static bool operator >(EnrolmentCursor left, EnrolmentCursor right) => left.CompareTo(right) > 0;

    /// <summary>After or at in list order.</summary>
    public static bool operator >=(EnrolmentCursor left, EnrolmentCursor right) => left.CompareTo(right) >= 0;
}
