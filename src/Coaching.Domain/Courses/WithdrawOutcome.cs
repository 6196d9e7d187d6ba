namespace Coaching.Domain.Courses;

/// <summary>What a store did with a withdrawal; the use case turns refusals into errors.</summary>
public abstract record WithdrawOutcome
{
    private WithdrawOutcome()
    {
    }

    /// <summary>Withdrawn; <paramref name="Promoted"/> is the person who took the freed seat in the same write, if any.</summary>
    public sealed record Withdrawn(Enrolment Enrolment, Enrolment? Promoted) : WithdrawOutcome;

    /// <summary>The enrolment was withdrawn before.</summary>
    public sealed record AlreadyWithdrawn : WithdrawOutcome;

    /// <summary>The enrolment is at another version than expected.</summary>
    public sealed record Stale : WithdrawOutcome;

    /// <summary>There is no such enrolment.</summary>
    public sealed record Missing : WithdrawOutcome;
}
