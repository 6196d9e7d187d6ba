using System.Security.Cryptography;
using System.Text;
using Coaching.Domain.ExternalCalendars;

namespace Coaching.Server.ExternalCalendars;

/// <summary>AES-256-GCM: a random 12-byte nonce, then the ciphertext, then the 16-byte tag.</summary>
public sealed class AesSecretBox : ISecretBox
{
    /// <summary>The key file used when configuration names no key.</summary>
    public const string KeyFile = "calendar-key";

    private readonly byte[] _key;

    /// <summary>A box with a 32-byte key.</summary>
    public AesSecretBox(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The calendar key must be 32 bytes (base64 in Coaching:Calendars:Key).", nameof(key));
        }

        _key = key;
    }

    /// <summary>The configured key, or the data directory's (created once, readable by its owner only).</summary>
    public static AesSecretBox Create(string configured, string dataDirectory)
    {
        if (configured.Length > 0)
        {
            return new AesSecretBox(Convert.FromBase64String(configured));
        }

        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, KeyFile);
        if (!File.Exists(path))
        {
            try
            {
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, options);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process made it first.
            }
        }

        for (var attempt = 0; ; attempt++)
        {
            var text = File.ReadAllText(path).Trim();
            if (text.Length == 44 || attempt > 20)
            {
                return new AesSecretBox(Convert.FromBase64String(text));
            }

            Thread.Sleep(50);
        }
    }

    /// <inheritdoc />
    public byte[] Seal(string secret)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var sealedSecret = new byte[12 + plain.Length + 16];
        RandomNumberGenerator.Fill(sealedSecret.AsSpan(0, 12));
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(sealedSecret.AsSpan(0, 12), plain, sealedSecret.AsSpan(12, plain.Length), sealedSecret.AsSpan(12 + plain.Length));
        return sealedSecret;
    }

    /// <inheritdoc />
    public string Open(byte[] sealedSecret)
    {
        if (sealedSecret.Length < 28)
        {
            throw new ExternalCalendarException("The stored calendar address is damaged; connect the calendar again.");
        }

        var plain = new byte[sealedSecret.Length - 28];
        try
        {
            using var aes = new AesGcm(_key, 16);
            aes.Decrypt(sealedSecret.AsSpan(0, 12), sealedSecret.AsSpan(12, plain.Length), sealedSecret.AsSpan(12 + plain.Length), plain);
        }
        catch (CryptographicException e)
        {
            throw new ExternalCalendarException("The stored calendar address cannot be opened with this server's key (Coaching:Calendars:Key); connect the calendar again.", e);
        }

        return Encoding.UTF8.GetString(plain);
    }
}
