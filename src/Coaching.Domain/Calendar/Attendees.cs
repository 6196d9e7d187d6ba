namespace Coaching.Domain.Calendar;

/// <summary>How people appear as attendees of the sessions they book or enrol in.</summary>
public static class Attendees
{
    /// <summary>
    /// The calendar address of a client: their e-mail, or, when none is known, an address under the reserved
    /// <c>.invalid</c> domain, which never receives mail (an ATTENDEE still needs an address).
    /// </summary>
    public static string Address(string clientId, string email) =>
        email.Length > 0 ? email : $"{new string([.. clientId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '-')])}@users.invalid";
}
