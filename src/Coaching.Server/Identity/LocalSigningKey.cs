using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.IdentityModel.Tokens;

namespace Coaching.Server.Identity;

/// <summary>
/// The development signing key of the embedded default: 256 random bits in <c>signing-key.json</c> inside
/// the data directory, created on first start with owner-only permissions. The CLI reads the same file.
/// </summary>
public sealed record LocalSigningKey(string Issuer, string Audience, byte[] Key)
{
    public const string FileName = "signing-key.json";
    public const string DefaultIssuer = "coaching-local";
    public const string DefaultAudience = "coaching";

    public SymmetricSecurityKey SecurityKey => new(Key) { KeyId = "local" };

    /// <summary>Loads the key from <paramref name="dataDirectory"/>, creating it if absent (safe if several processes race).</summary>
    public static LocalSigningKey LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            var fresh = new KeyFile(DefaultIssuer, DefaultAudience, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, options);
                JsonSerializer.Serialize(stream, fresh, KeyFile.Json);
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first; use theirs.
            }
        }

        var file = ReadWithRetry(path);
        return new LocalSigningKey(file.Issuer, file.Audience, Convert.FromBase64String(file.Key));
    }

    private static KeyFile ReadWithRetry(string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path), KeyFile.Json)
                    ?? throw new InvalidDataException($"{path} is empty.");
            }
            catch (JsonException) when (attempt < 20)
            {
                // A concurrent first start may still be writing the file.
                Thread.Sleep(50);
            }
        }
    }

    private sealed record KeyFile(string Issuer, string Audience, string Key)
    {
        public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    }
}
