using Coaching.Domain.Bookings;
using Coaching.Domain.Courses;
using Coaching.Domain.Events;
using Coaching.Domain.Outbox;
using Coaching.Server.Bookings;
using Coaching.Server.Courses;
using Coaching.Server.Mapping;
using Google.Protobuf;
using NodaTime;
using NodaTime.Text;
using Proto = Coaching.Contracts.V1;

namespace Coaching.Server.Outbox;

/// <summary>Encodes outbox events as the public <c>coaching.v1.Event</c> message (binary; the position is filled in when read).</summary>
public sealed class EventEncoder : IEventEncoder
{
    /// <inheritdoc />
    public byte[] Encode(string id, string type, string resource, Instant time, object subject)
    {
        var message = new Proto.Event { Id = id, Type = type, Resource = resource, CreateTime = TimeMapping.ToTimestamp(time) };
        switch (subject)
        {
            case Booking booking:
                message.Booking = BookingMapper.ToProto(booking);
                break;
            case Enrolment { CourseId: Course.EventsId } registration:
                message.Registration = Events.EventMapper.ToProto(registration);
                break;
            case Enrolment enrolment:
                message.Enrolment = CourseMapper.ToProto(enrolment);
                break;
            case Cohort { CourseId: Course.EventsId }:
                break; // an event: its profile is not at hand here, and GetEvent shows it whole
            case Cohort cohort:
                message.Cohort = CourseMapper.ToProto(cohort);
                break;
            case AvailabilityChange change:
                message.Availability = new Proto.AvailabilityChange
                {
                    Coach = Domain.Common.ResourceNames.Coach(change.CoachId),
                    TimeZone = change.TimeZoneId,
                    FirstDate = change.FirstDate is { } first ? LocalDatePattern.Iso.Format(first) : string.Empty,
                    LastDate = change.LastDate is { } last ? LocalDatePattern.Iso.Format(last) : string.Empty,
                };
                break;
            case Question question:
                message.Question = Events.EventMapper.ToProto(question, question.AuthorId.Length > 0, viewerVoted: false);
                break;
            default:
                throw new ArgumentException($"No event encoding for {subject.GetType().Name}.", nameof(subject));
        }

        return message.ToByteArray();
    }

    /// <summary>The event of a logged entry, with its position.</summary>
    public static Proto.Event Decode(LoggedEntry logged)
    {
        var message = Proto.Event.Parser.ParseFrom(logged.Entry.Payload);
        message.Position = logged.Position;
        return message;
    }
}
