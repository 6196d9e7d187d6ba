using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Coaching.Server.Tests;

/// <summary>
/// The built Coaching.Server binary started as a real process on loopback ports (Kestrel, real HTTP/2), for tests
/// that need what the in-memory host cannot give: several processes on one database, raw HTTP/2 frames, real
/// connection limits. Everything the server logs is kept in <see cref="Log"/>.
/// </summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ServerProcess(Process process, string dataDirectory, string address, string feedsAddress, X509Certificate2? certificate = null)
    {
        Certificate = certificate;
        _process = process;
        DataDirectory = dataDirectory;
        Address = address;
        FeedsAddress = feedsAddress;
    }

    /// <summary>The gRPC endpoint (h2c, or h2 over TLS).</summary>
    public string Address { get; }

    /// <summary>The web endpoint: feeds, REST, gRPC-Web, the booking page (HTTP/1.1 and HTTP/2).</summary>
    public string FeedsAddress { get; }

    /// <summary>The certificate both endpoints present when started with TLS.</summary>
    public X509Certificate2? Certificate { get; }

    public string DataDirectory { get; }

    /// <summary>Every line the server wrote to stdout or stderr, in arrival order.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    /// <summary>Starts a server on <paramref name="dataDirectory"/> and waits until its health check says SERVING.</summary>
    public static Task<ServerProcess> StartAsync(string dataDirectory, string logLevel = "Warning", params string[] settings) =>
        StartAsync(dataDirectory, logLevel, null, settings);

    /// <summary>
    /// Starts a server whose two endpoints speak only TLS with <paramref name="certificate"/> (PEM files written next to the data),
    /// configured the way an operator would: Kestrel's per-endpoint <c>Certificate:Path</c> and <c>Certificate:KeyPath</c>.
    /// </summary>
    public static async Task<ServerProcess> StartTlsAsync(string dataDirectory, X509Certificate2 certificate, params string[] settings)
    {
        Directory.CreateDirectory(dataDirectory);
        var cert = Path.Combine(dataDirectory, "tls-cert.pem");
        var key = Path.Combine(dataDirectory, "tls-key.pem");
        await File.WriteAllTextAsync(cert, certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(key, certificate.GetRSAPrivateKey()!.ExportPkcs8PrivateKeyPem());
        return await StartAsync(dataDirectory, "Warning", certificate,
        [
            $"Kestrel:Endpoints:Grpc:Certificate:Path={cert}", $"Kestrel:Endpoints:Grpc:Certificate:KeyPath={key}",
            $"Kestrel:Endpoints:Feeds:Certificate:Path={cert}", $"Kestrel:Endpoints:Feeds:Certificate:KeyPath={key}",
            .. settings,
        ]);
    }

    /// <summary>A handler that trusts exactly this server's certificate (or plain HTTP when it has none).</summary>
    public HttpMessageHandler Handler() => new SocketsHttpHandler
    {
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, _) =>
            Certificate is not null && presented is not null && presented.GetCertHashString() == Certificate.GetCertHashString() },
    };

    /// <summary>
    /// Starts the server on two ports the kernel just called free. A port is released before the server binds it, so another
    /// process (an outgoing connection's ephemeral port, say) can take it in between; the server then exits saying the address is in
    /// use, and it is started again on two other ports.
    /// </summary>
    private static async Task<ServerProcess> StartAsync(string dataDirectory, string logLevel, X509Certificate2? certificate, string[] settings)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnFreshPortsAsync(dataDirectory, logLevel, certificate, settings);
            }
            catch (PortTakenException) when (attempt < 5)
            {
            }
        }
    }

    private static async Task<ServerProcess> StartOnFreshPortsAsync(string dataDirectory, string logLevel, X509Certificate2? certificate, string[] settings)
    {
        var scheme = certificate is null ? "http" : "https";
        var address = $"{scheme}://127.0.0.1:{FreePort()}";
        var feeds = $"{scheme}://127.0.0.1:{FreePort()}";
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Path.Combine(AppContext.BaseDirectory, "Coaching.Server.dll"),
                $"--Kestrel:Endpoints:Grpc:Url={address}",
                $"--Kestrel:Endpoints:Feeds:Url={feeds}",
                $"--Coaching:DataDirectory={dataDirectory}",
                $"--Logging:LogLevel:Default={logLevel}",
                "--Logging:Console:FormatterName=simple",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var setting in settings)
        {
            start.ArgumentList.Add($"--{setting}");
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the server.");
        var server = new ServerProcess(process, dataDirectory, address, feeds, certificate);
        process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilServingAsync();
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    public string Token(string subject, string role, string? coachId = null) => DevTokens.Mint(DataDirectory, subject, role, coachId);

    public static Metadata Headers(string token) => new() { { "authorization", $"Bearer {token}" } };

    /// <summary>Log lines the console logger wrote at error or critical level.</summary>
    public IReadOnlyList<string> ErrorLines() => [.. Log.Where(l => l.StartsWith("fail:", StringComparison.Ordinal) || l.StartsWith("crit:", StringComparison.Ordinal))];

    /// <summary>Kills the process at once (SIGKILL): no shutdown, no flush, as a crash or power cut would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private void Keep(string? line)
    {
        if (line is not null)
        {
            Log.Enqueue(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task WaitUntilServingAsync()
    {
        using var channel = GrpcChannel.ForAddress(Address, new GrpcChannelOptions { HttpHandler = Handler() });
        var health = new Health.HealthClient(channel);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (_process.HasExited)
            {
                // Wait for the end of its output: the exit can be seen before the last lines arrive.
                _process.WaitForExit();
                var log = string.Join('\n', Log);
                if (log.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
                {
                    throw new PortTakenException(log);
                }

                throw new InvalidOperationException($"The server exited with {_process.ExitCode}: {log}");
            }

            try
            {
                var reply = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
                if (reply.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
            }

            await Task.Delay(200);
        }
    }

    private sealed class PortTakenException(string log) : Exception($"Another process took a port first: {log}");
}
