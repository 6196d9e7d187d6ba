using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace Coaching.Server.Tests.Outbox;

/// <summary>
/// A real SMTP server in its own process (aiosmtpd, from Debian's python3-aiosmtpd) that keeps every message it accepts as a
/// file, and the independent reader of those files (Python's email package and python-icalendar).
/// </summary>
public sealed class SmtpSink : IAsyncDisposable
{
    private const string Python = "/usr/bin/python3";
    private readonly Process _process;

    private SmtpSink(Process process, int port, string directory)
    {
        _process = process;
        Port = port;
        Directory = directory;
    }

    public int Port { get; }

    public string Directory { get; }

    /// <summary>Why the sink cannot run here, or null.</summary>
    public static string? SkipReason { get; } = Probe();

    /// <summary>A free loopback port (for a sink started later than the server that sends to it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts a sink on <paramref name="port"/> (a free one when 0) writing into <paramref name="directory"/>.</summary>
    public static async Task<SmtpSink> StartAsync(string directory, int port = 0, int failFirst = 0, int failCode = 451, int reject = 0,
        int delayMilliseconds = 0, string? tlsCertificate = null, string? tlsKey = null, string? auth = null, bool implicitTls = false)
    {
        port = port == 0 ? FreePort() : port;
        var start = new ProcessStartInfo(Python)
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "Outbox", "smtp_sink.py"), "--port", $"{port}", "--out", directory,
                "--fail-first", $"{failFirst}", "--fail-code", $"{failCode}", "--reject", $"{reject}", "--delay-ms", $"{delayMilliseconds}",
                "--tls-cert", tlsCertificate ?? string.Empty, "--tls-key", tlsKey ?? string.Empty, "--auth", auth ?? string.Empty,
            },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (implicitTls)
        {
            start.ArgumentList.Add("--implicit-tls");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the SMTP sink.");
        var ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (ready != $"ready {port}")
        {
            throw new InvalidOperationException($"The SMTP sink did not start: {ready} {await process.StandardError.ReadToEndAsync()}");
        }

        return new SmtpSink(process, port, directory);
    }

    /// <summary>The messages accepted so far, in order.</summary>
    public IReadOnlyList<string> Messages() =>
        System.IO.Directory.Exists(Directory) ? [.. System.IO.Directory.GetFiles(Directory, "*.eml").Order(StringComparer.Ordinal)] : [];

    /// <summary>Waits until at least <paramref name="count"/> messages arrived (fails after <paramref name="seconds"/>).</summary>
    public async Task<IReadOnlyList<string>> WaitForAsync(int count, int seconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (Messages().Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{Messages().Count} of {count} e-mails arrived within {seconds} s");
            await Task.Delay(100);
        }

        return Messages();
    }

    /// <summary>Each file read by Python's email package and python-icalendar.</summary>
    public static IReadOnlyList<JsonElement> Parse(IEnumerable<string> files)
    {
        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Outbox", "mime_check.py"));
        foreach (var file in files)
        {
            start.ArgumentList.Add(file);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"mime_check.py failed: {error}");
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static string? Probe()
    {
        if (!File.Exists(Python))
        {
            return $"{Python} is missing (Debian python3 with python3-aiosmtpd and python3-icalendar)";
        }

        using var process = Process.Start(new ProcessStartInfo(Python, ["-c", "import aiosmtpd, icalendar; print('ok')"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return output == "ok" ? null : "Debian's python3-aiosmtpd and python3-icalendar are not installed (tools/test.sh installs them)";
    }
}
