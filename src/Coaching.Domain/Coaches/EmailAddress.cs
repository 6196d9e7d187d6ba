
namespace Coaching.Domain.Coaches;

/// <summary>A deliberately lenient e-mail check: one @, a dotted domain, nothing that could break a mailto URI.</summary>
public static class EmailAddress
{
    /// <summary>True when the address is plausible.</summary>
    public static bool IsPlausible(string email)
    {
        if (email.Length is < 3 or > 254)
        {
            return false;
        }

        var at = email.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != email.LastIndexOf('@') || at == email.Length - 1)
        {
            return false;
        }

        var domain = email[(at + 1)..];
        return domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.')
            && !email.Any(c => char.IsWhiteSpace(c) || char.IsControl(c) || c is '"' or ',' or ';' or ':' or '<' or '>' or '\\');
    }
}
