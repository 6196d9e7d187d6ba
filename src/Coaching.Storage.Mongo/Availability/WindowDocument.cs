
namespace Coaching.Storage.Mongo.Availability;

/// <summary>One window; <see cref="Day"/> is the ISO weekday for weekly windows and 0 inside overrides.</summary>
public sealed class WindowDocument
{
    public int Day { get; set; }

    public int Start { get; set; }

    public int End { get; set; }
}
