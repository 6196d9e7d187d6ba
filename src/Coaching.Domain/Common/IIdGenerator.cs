
namespace Coaching.Domain.Common;

/// <summary>Creates resource ids.</summary>
public interface IIdGenerator
{
    /// <summary>A new id: 26 lower-case Crockford base32 characters, unique, sortable by creation time.</summary>
    string NewId();
}
