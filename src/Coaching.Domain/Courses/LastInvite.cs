using Coaching.Domain.Calendar;

namespace Coaching.Domain.Courses;

/// <summary>The latest message sent for one enrolment.</summary>
public sealed record LastInvite(InviteMethod Method, int Sequence, string SessionsDigest);
