using NodaTime;

namespace Coaching.Domain.Availability;

/// <summary>One weekly window: a weekday and a wall-clock window in the coach's zone.</summary>
public readonly record struct WeeklyWindow(IsoDayOfWeek Day, DayWindow Window);
