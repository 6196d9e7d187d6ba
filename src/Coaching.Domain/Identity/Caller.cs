using Coaching.Domain.Common;

namespace Coaching.Domain.Identity;

/// <summary>
/// The authenticated identity behind a request. Built only from a validated token, never from request
/// fields. Invariant: a <see cref="Role.Coach"/> caller is bound to exactly one coach id; other roles to none.
/// </summary>
public sealed record Caller
{
    /// <summary>Creates a caller.</summary>
    /// <exception cref="ArgumentException">When the subject is empty or the coach binding breaks the invariant.</exception>
    public Caller(string userId, Role role, string? coachId = null, string? displayName = null, string? email = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        if ((role == Role.Coach) != !string.IsNullOrEmpty(coachId))
        {
            throw new ArgumentException("A coach caller must be bound to one coach id, and only a coach caller.", nameof(coachId));
        }

        UserId = userId;
        Role = role;
        CoachId = string.IsNullOrEmpty(coachId) ? null : coachId;
        DisplayName = displayName ?? string.Empty;
        Email = email ?? string.Empty;
    }

    /// <summary>The token subject; clients are addressed as <c>users/{UserId}</c>.</summary>
    public string UserId { get; }

    /// <summary>The caller's role.</summary>
    public Role Role { get; }

    /// <summary>For coaches, the coach they are; otherwise null.</summary>
    public string? CoachId { get; }

    /// <summary>Display name from the token, if any.</summary>
    public string DisplayName { get; }

    /// <summary>E-mail from the token, if any.</summary>
    public string Email { get; }

    /// <summary>True for admins.</summary>
    public bool IsAdmin => Role == Role.Admin;

    /// <summary>True when the caller is the given coach or an admin.</summary>
    public bool ActsFor(string coachId) => IsAdmin || (Role == Role.Coach && CoachId == coachId);

    /// <summary>Fails unless the caller is an admin.</summary>
    /// <exception cref="DomainException">PERMISSION_DENIED with reason ADMIN_REQUIRED.</exception>
    public void RequireAdmin(string action)
    {
        if (!IsAdmin)
        {
            Fail.PermissionDenied("ADMIN_REQUIRED", $"Only an admin may {action}.");
        }
    }

    /// <summary>Fails unless the caller is the given coach or an admin.</summary>
    /// <exception cref="DomainException">PERMISSION_DENIED with reason NOT_RESOURCE_OWNER.</exception>
    public void RequireActsFor(string coachId, string action)
    {
        if (!ActsFor(coachId))
        {
            Fail.PermissionDenied("NOT_RESOURCE_OWNER", $"Only coach '{Text.Excerpt(coachId)}' or an admin may {action}.");
        }
    }
}
