using Coaching.Domain.Calendar;
using NodaTime;

namespace Coaching.Storage.Mongo.Bookings;

/// <summary>One emitted iCalendar message inside a booking document.</summary>
public sealed class InviteDocument
{
    public int Ordinal { get; set; }

    public int Method { get; set; }

    public int Sequence { get; set; }

    public string Uid { get; set; } = string.Empty;

    public byte[] Content { get; set; } = [];

    public DateTime CreateTime { get; set; }

    public static InviteDocument From(Invite invite) => new()
    {
        Ordinal = invite.Ordinal,
        Method = (int)invite.Method,
        Sequence = invite.Sequence,
        Uid = invite.Uid,
        Content = invite.Content,
        CreateTime = invite.CreateTime.ToDateTimeUtc(),
    };

    public Invite ToDomain() => new(Ordinal, (InviteMethod)Method, Sequence, Uid, Content, Instant.FromDateTimeUtc(CreateTime));
}
