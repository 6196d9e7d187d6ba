using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Coaching.Server.Tests.ExternalCalendars;

/// <summary>
/// A real CalDAV server for the tests: Debian's Radicale on 127.0.0.1, with a temporary storage folder and one user (plain
/// htpasswd). It makes calendars (MKCALENDAR) and events (PUT) the way a calendar app would.
/// </summary>
public sealed class RadicaleServer : IAsyncDisposable
{
    public const string User = "coach";
    public const string Password = "s3cret-pass";

    private readonly string _folder = Directory.CreateTempSubdirectory("radicale").FullName;
    private Process? _process;
    private HttpClient? _http;

    public string BaseAddress { get; private set; } = string.Empty;

    /// <summary>Why Radicale cannot run here, or null.</summary>
    public static string? SkipReason => File.Exists("/usr/bin/radicale") ? null : "Radicale is not installed (Debian package radicale; tools/test.sh installs it).";

    /// <summary>
    /// Starts Radicale on a port the kernel just called free. The port is released before Radicale binds it, so another process
    /// can take it in between: then Radicale exits, or the process that took it answers instead. Radicale is known by its
    /// multistatus answer to PROPFIND; otherwise it is started again on another port.
    /// </summary>
    public static async Task<RadicaleServer> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var server = new RadicaleServer();
            if (await server.RunAsync() || attempt == 5)
            {
                return server;
            }

            await server.DisposeAsync();
        }
    }

    private async Task<bool> RunAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await File.WriteAllTextAsync(Path.Combine(_folder, "users"), $"{User}:{Password}\n");
        var config = Path.Combine(_folder, "config");
        await File.WriteAllTextAsync(config, $"""
            [server]
            hosts = 127.0.0.1:{port}
            [auth]
            type = htpasswd
            htpasswd_filename = {Path.Combine(_folder, "users")}
            htpasswd_encryption = plain
            [storage]
            filesystem_folder = {Path.Combine(_folder, "collections")}
            [rights]
            type = owner_only
            [logging]
            level = warning
            """);
        _process = Process.Start(new ProcessStartInfo("/usr/bin/radicale", ["--config", config]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        BaseAddress = $"http://127.0.0.1:{port}";
        _http = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        _http.DefaultRequestHeaders.ConnectionClose = true; // Radicale drops idle keep-alive connections; a fresh one per request
        _http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{User}:{Password}")));
        for (var attempt = 0; attempt < 100 && !_process.HasExited; attempt++)
        {
            try
            {
                using var response = await _http.SendAsync(new HttpRequestMessage(new HttpMethod("PROPFIND"), $"/{User}/") { Headers = { { "Depth", "0" } } });
                if (response.StatusCode == System.Net.HttpStatusCode.MultiStatus)
                {
                    return true;
                }

                if ((int)response.StatusCode < 500)
                {
                    return false; // something else answers on this port
                }
            }
            catch (HttpRequestException)
            {
            }

            await Task.Delay(100);
        }

        return false;
    }

    /// <summary>Makes a calendar collection; its URL.</summary>
    public async Task<string> CreateCalendarAsync(string name)
    {
        using var response = await _http!.SendAsync(new HttpRequestMessage(new HttpMethod("MKCALENDAR"), $"/{User}/{name}/"));
        Assert.True(response.IsSuccessStatusCode, $"MKCALENDAR: {response.StatusCode}");
        return $"{BaseAddress}/{User}/{name}/";
    }

    /// <summary>Stores (creates or replaces) one event resource.</summary>
    /// <remarks>
    /// A PUT replaces the resource whole, so it is sent again when Radicale closed the connection without an answer (seen once in
    /// CI, on a fresh connection, while the machine was busy with the other tests); the test then goes on as if it had arrived.
    /// </remarks>
    public async Task PutAsync(string calendar, string resource, string ics)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var content = new StringContent(ics, Encoding.UTF8, "text/calendar");
            try
            {
                using var response = await _http!.PutAsync(new Uri($"{calendar}{resource}"), content);
                Assert.True(response.IsSuccessStatusCode, $"PUT {resource}: {response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                return;
            }
            catch (HttpRequestException) when (attempt < 3 && _process is { HasExited: false })
            {
                await Task.Delay(100 * attempt);
            }
        }
    }

    /// <summary>Deletes one event resource.</summary>
    public async Task DeleteAsync(string calendar, string resource)
    {
        using var response = await _http!.DeleteAsync(new Uri($"{calendar}{resource}"));
        Assert.True(response.IsSuccessStatusCode, $"DELETE {resource}: {response.StatusCode}");
    }

    /// <summary>Stops the server (a calendar server that is down).</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _process?.Dispose();
        _http?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
