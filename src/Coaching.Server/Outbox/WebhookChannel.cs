using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using Coaching.Domain.Outbox;
using Google.Protobuf;

namespace Coaching.Server.Outbox;

/// <summary>
/// Calls webhook endpoints: a POST of the event as proto JSON, signed the Standard Webhooks way (<c>webhook-id</c>,
/// <c>webhook-timestamp</c>, <c>webhook-signature: v1,{base64 HMAC-SHA256 of "id.timestamp.body"}</c>). The address is checked
/// at connect time, on the very address connected to, so a name that resolves (or re-resolves) to loopback, link-local or a
/// private range is refused unless configuration allows private networks. Redirects are not followed; the response body is
/// read to at most 4 KB; 2xx is delivered, 408/425/429 and 5xx are temporary, any other status is permanent.
/// </summary>
public sealed class WebhookChannel : IDisposable
{
    private const int MaxResponseBytes = 4096;
    private readonly HttpClient _client;

    /// <summary>A channel with its own connection pool.</summary>
    public WebhookChannel(WebhookOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(options.TimeoutSeconds),
            ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, options.AllowPrivateNetworks, ct),
        };
        _client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.TimeoutSeconds) };
    }

    /// <summary>The signature header value for <paramref name="body"/> (exposed for tests and receivers' examples).</summary>
    public static string Sign(string secret, string id, long timestamp, string body)
    {
        var key = Convert.FromBase64String(secret.StartsWith("whsec_", StringComparison.Ordinal) ? secret[6..] : secret);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}"));
        return $"v1,{Convert.ToBase64String(mac)}";
    }

    /// <summary>Calls <paramref name="webhook"/> with the event of <paramref name="logged"/>.</summary>
    public async Task<DeliveryResult> SendAsync(Webhook webhook, LoggedEntry logged, long timestamp, CancellationToken ct)
    {
        var body = JsonFormatter.Default.Format(EventEncoder.Decode(logged));
        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("webhook-id", logged.Entry.Id);
        request.Headers.Add("webhook-timestamp", timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("webhook-signature", Sign(webhook.Secret, logged.Entry.Id, timestamp, body));
        request.Headers.UserAgent.ParseAdd("Coaching-Webhooks/1");
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            var status = (int)response.StatusCode;
            if (status is >= 200 and < 300)
            {
                return new DeliveryResult.Delivered();
            }

            var error = $"HTTP {status}: {await ReadSomeAsync(response, ct)}";
            return status is 408 or 425 or 429 or >= 500 ? new DeliveryResult.Temporary(error) : new DeliveryResult.Permanent(error);
        }
        catch (HttpRequestException e) when (e.InnerException is RefusedAddressException refused)
        {
            return new DeliveryResult.Permanent(refused.Message);
        }
        catch (HttpRequestException e)
        {
            return new DeliveryResult.Temporary($"{webhook.Url} unreachable: {Domain.Common.Text.Excerpt(e.Message, 300)}");
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return new DeliveryResult.Temporary($"{webhook.Url} did not answer within {_client.Timeout.TotalSeconds:0} s");
        }
    }

    /// <summary>Whether an address lies in a range webhooks may not reach by default (loopback, link-local, private, unspecified, multicast).</summary>
    public static bool IsPrivate(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.Equals(IPAddress.IPv6None))
        {
            return true;
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes6 = address.GetAddressBytes();
            return address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast || (bytes6[0] & 0xFE) == 0xFC; // fc00::/7
        }

        var b = address.GetAddressBytes();
        return b[0] == 10 || b[0] == 0 || b[0] == 127 || b[0] >= 224
            || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168)
            || (b[0] == 169 && b[1] == 254)
            || (b[0] == 100 && b[1] is >= 64 and <= 127); // carrier-grade NAT
    }

    /// <inheritdoc />
    public void Dispose() => _client.Dispose();

    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endpoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endpoint.Host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(endpoint.Host, ct);
        var allowed = addresses.Where(a => allowPrivate || !IsPrivate(a)).ToList();
        if (allowed.Count == 0)
        {
            throw new RefusedAddressException(
                $"{endpoint.Host} resolves only to loopback, link-local or private addresses, which webhooks may not reach (Coaching:Webhooks:AllowPrivateNetworks)");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            // Connect to the checked addresses themselves: no second lookup can swap in another one.
            await socket.ConnectAsync([.. allowed], endpoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string> ReadSomeAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[MaxResponseBytes];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), ct)) > 0)
        {
            read += n;
        }

        return Domain.Common.Text.Excerpt(Encoding.UTF8.GetString(buffer, 0, read).ReplaceLineEndings(" "), 300);
    }

    private sealed class RefusedAddressException(string message) : IOException(message);
}
