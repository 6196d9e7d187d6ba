using System.Net;
using System.Net.Sockets;
using System.Text;
using Coaching.Domain.ExternalCalendars;

namespace Coaching.Server.ExternalCalendars;

/// <summary>
/// Fetches calendar URLs: http(s) only; every address a name resolves to is checked at connect time (so a name that later
/// resolves elsewhere cannot reach loopback or private networks unless allowed); at most 5 MB, within the timeout; up to three
/// redirects, each checked again. Failures are described without the URL.
/// </summary>
public sealed class HttpCalendarFetcher : ICalendarFetcher, IDisposable
{
    private const int MaxRedirects = 3;
    private readonly HttpClient _http;
    private readonly bool _allowPrivate;

    /// <summary>A fetcher with the configured rules.</summary>
    public HttpCalendarFetcher(CalendarOptions options)
    {
        _allowPrivate = options.AllowPrivateTargets;
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectCallback = ConnectAsync,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(options.FetchTimeoutSeconds) };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("Coaching-Calendar-Sync/1.0");
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    /// <inheritdoc />
    public string? Refuse(Uri url) =>
        url.Scheme is not ("http" or "https") ? "must be an http or https URL"
        : url.UserInfo.Length > 0 ? "must not carry a user name or password"
        : !_allowPrivate && IPAddress.TryParse(url.Host.Trim('[', ']'), out var ip) && !IsPublic(ip) ? "must not point at a loopback or private address"
        : !_allowPrivate && url.IsLoopback ? "must not point at a loopback or private address"
        : null;

    /// <inheritdoc />
    public async Task<FetchResult> FetchAsync(Uri url, string validator, CancellationToken cancellationToken)
    {
        var target = url;
        for (var hop = 0; hop <= MaxRedirects; hop++)
        {
            if (Refuse(target) is { } why)
            {
                return new FetchResult.Failed($"The calendar address (or a redirect) {why}.");
            }

            using var request = new HttpRequestMessage(HttpMethod.Get, target);
            request.Headers.Accept.ParseAdd("text/calendar");
            if (validator.Length > 0)
            {
                request.Headers.TryAddWithoutValidation("If-None-Match", validator);
            }

            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException e)
            {
                return new FetchResult.Failed(e.InnerException is RefusedTarget ? "The calendar address resolves to a loopback or private address." :
                    $"The calendar server could not be reached ({e.HttpRequestError}).");
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return new FetchResult.Failed("The calendar server did not answer in time.");
            }

            using (response)
            {
                if ((int)response.StatusCode is >= 300 and < 400 && response.StatusCode != HttpStatusCode.NotModified && response.Headers.Location is { } next)
                {
                    target = next.IsAbsoluteUri ? next : new Uri(target, next);
                    continue;
                }

                if (response.StatusCode == HttpStatusCode.NotModified)
                {
                    return new FetchResult.NotModified();
                }

                if (!response.IsSuccessStatusCode)
                {
                    return new FetchResult.Failed($"The calendar server answered {(int)response.StatusCode} {response.ReasonPhrase}.");
                }

                if (response.Content.Headers.ContentLength > IcsLimits.MaxBytes)
                {
                    return new FetchResult.Failed($"The calendar is larger than {IcsLimits.MaxBytes / 1024 / 1024} MB.");
                }

                var text = await ReadLimitedAsync(response, cancellationToken);
                return text is null
                    ? new FetchResult.Failed($"The calendar is larger than {IcsLimits.MaxBytes / 1024 / 1024} MB.")
                    : new FetchResult.Content(text, response.Headers.ETag?.ToString() ?? string.Empty);
            }
        }

        return new FetchResult.Failed($"The calendar address redirects more than {MaxRedirects} times.");
    }

    private static async Task<string?> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > IcsLimits.MaxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    // Resolves the host and connects only to an allowed address (the check happens where the connection is made).
    private async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, ct);
        var allowed = addresses.Where(a => _allowPrivate || IsPublic(a)).ToList();
        if (allowed.Count == 0)
        {
            throw new RefusedTarget();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync([.. allowed], context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address) || address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any) || address.IsIPv6LinkLocal
            || address.IsIPv6SiteLocal || address.IsIPv6Multicast || address.IsIPv6UniqueLocal)
        {
            return false;
        }

        var b = address.GetAddressBytes();
        return address.AddressFamily != AddressFamily.InterNetwork || !(b[0] == 10 || b[0] == 127 || b[0] == 0 || (b[0] == 172 && b[1] is >= 16 and <= 31)
            || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224);
    }

    private sealed class RefusedTarget : IOException
    {
        public RefusedTarget()
            : base("The address is not allowed.")
        {
        }
    }
}

/// <summary>The size limit shared by fetching and reading.</summary>
internal static class IcsLimits
{
    public const int MaxBytes = Coaching.Calendar.IcsBusyReader.MaxCharacters;
}
