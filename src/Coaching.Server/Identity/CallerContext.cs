using System.Security.Claims;
using Coaching.Domain.Common;
using Coaching.Domain.Identity;
using Grpc.Core;

namespace Coaching.Server.Identity;

/// <summary>
/// Builds the domain <see cref="Caller"/> from the validated token of a call. Claims: <c>sub</c> (user id),
/// <c>role</c> (admin, coach or client), <c>coach_id</c> (for coaches), optional <c>name</c> and <c>email</c>.
/// </summary>
public static class CallerContext
{
    public const string RoleClaim = "role";
    public const string CoachIdClaim = "coach_id";

    /// <summary>The caller of this call.</summary>
    /// <exception cref="DomainException">UNAUTHENTICATED without a subject; PERMISSION_DENIED for an unknown role or unbound coach.</exception>
    public static Caller Caller(this ServerCallContext context) => FromPrincipal(context.GetHttpContext().User);

    public static Caller FromPrincipal(ClaimsPrincipal principal)
    {
        var subject = principal.FindFirstValue("sub");
        if (string.IsNullOrWhiteSpace(subject))
        {
            throw new DomainException(ErrorKind.Unauthenticated, "MISSING_SUBJECT", "The token has no subject (sub) claim.");
        }

        var role = principal.FindFirstValue(RoleClaim) switch
        {
            "admin" => Role.Admin,
            "coach" => Role.Coach,
            "client" => Role.Client,
            var other => throw new DomainException(ErrorKind.PermissionDenied, "UNKNOWN_ROLE",
                $"The token's role '{Text.Excerpt(other)}' is not one of admin, coach, client."),
        };
        var coachId = principal.FindFirstValue(CoachIdClaim);
        if (role == Role.Coach && string.IsNullOrWhiteSpace(coachId))
        {
            throw new DomainException(ErrorKind.PermissionDenied, "COACH_NOT_BOUND", "A coach token must carry a coach_id claim.");
        }

        return new Caller(subject, role, role == Role.Coach ? coachId : null,
            principal.FindFirstValue("name"), principal.FindFirstValue("email"));
    }
}
