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
    private const int MaxBytes = Coaching.Calendar.IcsBusyReader.MaxCharacters;
    private readonly HttpClient _http;
    private readonly bool _allowPrivate;

    private readonly NodaTime.IClock _clock;

    /// <summary>A fetcher with the configured rules.</summary>
    public HttpCalendarFetcher(CalendarOptions options, NodaTime.IClock clock)
    {
        _clock = clock;
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
    public Task<FetchResult> FetchAsync(CalendarSource source, Uri url, (string User, string Password)? credentials, string validator,
        CancellationToken cancellationToken) =>
        source == CalendarSource.CalDav ? CalDavAsync(url, credentials, validator, cancellationToken) : IcsAsync(url, validator, cancellationToken);

    private async Task<FetchResult> IcsAsync(Uri url, string validator, CancellationToken cancellationToken)
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
                return new FetchResult.Failed(Refused(e) ? "The calendar address resolves to a loopback or private address." :
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

                if (response.Content.Headers.ContentLength > MaxBytes)
                {
                    return new FetchResult.Failed($"The calendar is larger than {MaxBytes / 1024 / 1024} MB.");
                }

                var text = await ReadLimitedAsync(response, cancellationToken);
                return text is null
                    ? new FetchResult.Failed($"The calendar is larger than {MaxBytes / 1024 / 1024} MB.")
                    : new FetchResult.Content(text, response.Headers.ETag?.ToString() ?? string.Empty);
            }
        }

        return new FetchResult.Failed($"The calendar address redirects more than {MaxRedirects} times.");
    }

    private const string CtagQuery =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><d:propfind xmlns:d=\"DAV:\" xmlns:cs=\"http://calendarserver.org/ns/\">" +
        "<d:prop><cs:getctag/><d:sync-token/></d:prop></d:propfind>";

    private const string EventsQuery =
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><c:calendar-query xmlns:d=\"DAV:\" xmlns:c=\"urn:ietf:params:xml:ns:caldav\">" +
        "<d:prop><d:getetag/><c:calendar-data/></d:prop><c:filter><c:comp-filter name=\"VCALENDAR\"><c:comp-filter name=\"VEVENT\"/></c:comp-filter></c:filter>" +
        "</c:calendar-query>";

    // CalDAV: the collection's ctag (or sync token) first; unchanged means nothing to read. Otherwise one calendar-query REPORT
    // returns every event resource, merged here into one calendar.
    private async Task<FetchResult> CalDavAsync(Uri url, (string User, string Password)? credentials, string validator, CancellationToken ct)
    {
        if (Refuse(url) is { } why)
        {
            return new FetchResult.Failed($"The calendar address {why}.");
        }

        var (tagStatus, tagBody) = await DavAsync("PROPFIND", url, "0", CtagQuery, credentials, ct);
        if (tagStatus is not null)
        {
            return tagStatus;
        }

        var tag = Texts(tagBody!, "getctag").Concat(Texts(tagBody!, "sync-token")).FirstOrDefault(t => t.Length > 0) ?? string.Empty;
        if (tag.Length > 0 && tag == validator)
        {
            return new FetchResult.NotModified();
        }

        var (eventsStatus, eventsBody) = await DavAsync("REPORT", url, "1", EventsQuery, credentials, ct);
        if (eventsStatus is not null)
        {
            return eventsStatus;
        }

        // Where the server offers it, its free/busy report adds what the events alone may not show (e.g. private events).
        var freeBusy = await FreeBusyAsync(url, credentials, ct);
        return new FetchResult.Content(Merge([.. Texts(eventsBody!, "calendar-data"), .. freeBusy is null ? Array.Empty<string>() : [freeBusy]]), tag);
    }

    // RFC 4791 7.10: a free-busy-query REPORT over the window the service reads; null when the server does not offer one.
    private async Task<string?> FreeBusyAsync(Uri url, (string User, string Password)? credentials, CancellationToken ct)
    {
        var now = _clock.GetCurrentInstant();
        var body = "<?xml version=\"1.0\" encoding=\"utf-8\"?><c:free-busy-query xmlns:c=\"urn:ietf:params:xml:ns:caldav\">" +
            $"<c:time-range start=\"{(now - NodaTime.Duration.FromDays(1)).InUtc():yyyyMMdd'T'HHmmss'Z'}\" end=\"{(now + NodaTime.Duration.FromDays(400)).InUtc():yyyyMMdd'T'HHmmss'Z'}\"/>" +
            "</c:free-busy-query>";
        using var request = DavRequest("REPORT", url, "1", body, credentials);
        try
        {
            using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
            if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentType?.MediaType != "text/calendar")
            {
                return null;
            }

            return await ReadLimitedAsync(response, ct);
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private async Task<(FetchResult? Failure, string? Body)> DavAsync(string method, Uri url, string depth, string body, (string User, string Password)? credentials,
        CancellationToken ct)
    {
        // Once more on a connection the server closed while it idled in the pool (a stale keep-alive): the requests only read.
        for (var attempt = 0; ; attempt++)
        {
            using var request = DavRequest(method, url, depth, body, credentials);
            try
            {
                using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct);
                if (response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
                {
                    return (new FetchResult.Failed("The CalDAV server refused the user name or password."), null);
                }

                if (response.StatusCode != HttpStatusCode.MultiStatus)
                {
                    return (new FetchResult.Failed($"The CalDAV server answered {(int)response.StatusCode} {response.ReasonPhrase} to {method}."), null);
                }

                var text = await ReadLimitedAsync(response, ct);
                return text is null ? (new FetchResult.Failed($"The calendar is larger than {MaxBytes / 1024 / 1024} MB."), null) : (null, text);
            }
            catch (HttpRequestException e) when (attempt == 0 && !Refused(e))
            {
            }
            catch (HttpRequestException e)
            {
                return (new FetchResult.Failed(Refused(e) ? "The calendar address resolves to a loopback or private address." :
                    $"The calendar server could not be reached ({e.HttpRequestError})."), null);
            }
            catch (TaskCanceledException) when (!ct.IsCancellationRequested)
            {
                return (new FetchResult.Failed("The calendar server did not answer in time."), null);
            }
        }
    }

    private static HttpRequestMessage DavRequest(string method, Uri url, string depth, string body, (string User, string Password)? credentials)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url) { Content = new StringContent(body, Encoding.UTF8, "application/xml") };
        request.Headers.TryAddWithoutValidation("Depth", depth);
        if (credentials is { } c)
        {
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{c.User}:{c.Password}")));
        }

        return request;
    }

    // The text of every element with this local name (any namespace), from XML read without DTDs or external entities.
    private static IEnumerable<string> Texts(string xml, string localName)
    {
        var settings = new System.Xml.XmlReaderSettings { DtdProcessing = System.Xml.DtdProcessing.Prohibit, XmlResolver = null };
        System.Xml.Linq.XDocument document;
        try
        {
            using var reader = System.Xml.XmlReader.Create(new StringReader(xml), settings);
            document = System.Xml.Linq.XDocument.Load(reader);
        }
        catch (System.Xml.XmlException)
        {
            return [];
        }

        return [.. document.Descendants().Where(e => e.Name.LocalName == localName).Select(e => e.Value.Trim())];
    }

    // One calendar of the components of many (the calendars' own properties left out).
    private static string Merge(IEnumerable<string> calendars)
    {
        var merged = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Coaching//CalDAV merge//EN\r\n");
        foreach (var calendar in calendars)
        {
            var depth = 0;
            foreach (var line in calendar.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
            {
                var begins = line.StartsWith("BEGIN:", StringComparison.OrdinalIgnoreCase);
                var ends = line.StartsWith("END:", StringComparison.OrdinalIgnoreCase);
                depth += begins ? 1 : 0;
                if (depth >= 2)
                {
                    merged.Append(line).Append("\r\n");
                }

                depth -= ends ? 1 : 0;
            }
        }

        return merged.Append("END:VCALENDAR\r\n").ToString();
    }

    private static async Task<string?> ReadLimitedAsync(HttpResponseMessage response, CancellationToken ct)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(ct);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > MaxBytes)
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
            || (b[0] == 192 && b[1] == 168) || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127) || b[0] >= 224
            || (b[0] == 192 && b[1] == 0 && b[2] is 0 or 2) || (b[0] == 198 && b[1] is 18 or 19) || (b[0] == 198 && b[1] == 51 && b[2] == 100)
            || (b[0] == 203 && b[1] == 0 && b[2] == 113));
    }

    // The connect callback's refusal, however the handler wrapped it.
    private static bool Refused(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is RefusedTarget)
            {
                return true;
            }
        }

        return false;
    }

    private sealed class RefusedTarget : IOException
    {
        public RefusedTarget()
            : base("The address is not allowed.")
        {
        }
    }
}
