
namespace Coaching.Domain.Availability;

/// <summary>How an override changes the weekly hours on its dates.</summary>
public enum OverrideKind
{
    /// <summary>No hours at all (time off).</summary>
    Unavailable = 1,

    /// <summary>The override's windows replace the weekly hours.</summary>
    ReplaceHours = 2,
}
