using System.Net.Sockets;
using Coaching.Domain.Calendar;
using Coaching.Domain.Outbox;
using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Coaching.Server.Outbox;

/// <summary>
/// Sends e-mails: through the configured SMTP server (MailKit; STARTTLS or implicit TLS, optional AUTH, timeouts), or, with no
/// server configured, as <c>{delivery}.eml</c> files in the pickup folder that any mail client opens. SMTP 4xx replies, refused
/// or dropped connections and timeouts are temporary; 5xx replies are permanent, with the server's reply as the error.
/// </summary>
public sealed class MailChannel(SmtpOptions options, string pickupDirectory, ICalendarWriter calendar)
{
    private readonly MailboxAddress _sender = MailboxAddress.Parse(options.From);
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<byte[], byte[]> _written = new(); // source -> text, while the entry lives
    private readonly System.Security.Cryptography.X509Certificates.X509Certificate2? _trusted = string.IsNullOrWhiteSpace(options.TrustedCertificateFile)
        ? null
        : System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(File.ReadAllText(options.TrustedCertificateFile));

    /// <summary>Where files go when no SMTP server is configured.</summary>
    public string PickupDirectory => pickupDirectory;

    /// <summary>Sends the e-mail of <paramref name="delivery"/>.</summary>
    public async Task<DeliveryResult> SendAsync(Delivery delivery, OutboxEntry entry, CancellationToken ct)
    {
        // A booking's invite is stored as its source and written here, as ListInvites writes it: the same bytes. The dispatcher
        // reads an entry once for all its deliveries (the attendee's and the organizer's), so it is written once per entry read.
        var written = entry.Mail is { } mail
            ? entry with { Mail = mail with { Invite = _written.GetValue(mail.Invite, source => InviteSource.Render(source, calendar)) } }
            : entry;
        var message = MailComposer.Compose(delivery, written, _sender);
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            await WriteFileAsync(delivery, message, ct);
            return new DeliveryResult.Delivered();
        }

        using var client = new SmtpClient { Timeout = options.TimeoutSeconds * 1000 };
        if (_trusted is { } trusted)
        {
            client.ServerCertificateValidationCallback = (_, certificate, _, errors) => errors == System.Net.Security.SslPolicyErrors.None
                || (certificate is not null && ChainsTo(new System.Security.Cryptography.X509Certificates.X509Certificate2(certificate), trusted));
        }

        try
        {
            await client.ConnectAsync(options.Host, options.Port, Enum.Parse<SecureSocketOptions>(options.Security, ignoreCase: true), ct);
            if (options.UserName.Length > 0)
            {
                await client.AuthenticateAsync(options.UserName, options.Password, ct);
            }

            await client.SendAsync(message, ct);
            await client.DisconnectAsync(quit: true, ct);
            return new DeliveryResult.Delivered();
        }
        catch (SmtpCommandException e) when ((int)e.StatusCode is >= 400 and < 500)
        {
            return new DeliveryResult.Temporary($"SMTP {(int)e.StatusCode}: {Excerpt(e.Message)}");
        }
        catch (SmtpCommandException e)
        {
            return new DeliveryResult.Permanent($"SMTP {(int)e.StatusCode}: {Excerpt(e.Message)}");
        }
        catch (AuthenticationException e)
        {
            return new DeliveryResult.Temporary($"SMTP authentication failed: {Excerpt(e.Message)}");
        }
        catch (Exception e) when (e is SocketException or IOException or TimeoutException or SmtpProtocolException or ServiceNotConnectedException
            or SslHandshakeException or OperationCanceledException && !ct.IsCancellationRequested)
        {
            var cause = e.GetBaseException() is var inner && inner != e ? $" ({inner.Message})" : string.Empty;
            return new DeliveryResult.Temporary($"SMTP {options.Host}:{options.Port} unreachable: {Excerpt(e.Message + cause)}");
        }
    }

    // The server's certificate chains to the configured one (trusted as a root), and names the host we connected to.
    private bool ChainsTo(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate,
        System.Security.Cryptography.X509Certificates.X509Certificate2 trusted)
    {
        using var chain = new System.Security.Cryptography.X509Certificates.X509Chain();
        chain.ChainPolicy.TrustMode = System.Security.Cryptography.X509Certificates.X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(trusted);
        chain.ChainPolicy.RevocationMode = System.Security.Cryptography.X509Certificates.X509RevocationMode.NoCheck;
        return chain.Build(certificate) && certificate.MatchesHostname(options.Host);
    }

    // Written aside and moved into place, so a reader never sees half a message.
    private async Task WriteFileAsync(Delivery delivery, MimeMessage message, CancellationToken ct)
    {
        Directory.CreateDirectory(pickupDirectory);
        var path = Path.Combine(pickupDirectory, $"{delivery.Id}.eml");
        var partial = $"{path}.partial";
        await using (var file = File.Create(partial))
        {
            await message.WriteToAsync(FormatOptions.Default, file, ct);
        }

        File.Move(partial, path, overwrite: true);
    }

    private static string Excerpt(string text) => Domain.Common.Text.Excerpt(text.ReplaceLineEndings(" "), 300);
}
