namespace Coaching.Domain.Common;

/// <summary>Etags are the stored version, quoted, as in HTTP.</summary>
public static class Etags
{
    /// <summary>The etag of <paramref name="version"/>.</summary>
    public static string Of(long version) => $"\"{version}\"";

    /// <summary>Fails with ABORTED when an etag was sent and differs from the current one.</summary>
    /// <exception cref="DomainException">ABORTED with reason ETAG_MISMATCH.</exception>
    public static void Check(string? sent, long currentVersion, string resourceName)
    {
        if (!string.IsNullOrEmpty(sent) && sent != Of(currentVersion))
        {
            Fail.StaleEtag(resourceName);
        }
    }
}
