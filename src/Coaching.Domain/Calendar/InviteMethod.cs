
namespace Coaching.Domain.Calendar;

/// <summary>The iTIP method of an emitted message.</summary>
public enum InviteMethod
{
    /// <summary>A new or changed session (METHOD:REQUEST).</summary>
    Request = 1,

    /// <summary>A cancelled session (METHOD:CANCEL).</summary>
    Cancel = 2,
}
