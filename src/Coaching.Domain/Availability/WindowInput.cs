namespace Coaching.Domain.Availability;

/// <summary>A weekly window as a caller sent it, before validation: weekday 1..7 (Monday..Sunday) and two wall-clock times.</summary>
public sealed record WindowInput(int Weekday, int StartHours, int StartMinutes, int EndHours, int EndMinutes);
