using System.Security.Claims;
using System.Text.Json;
using Coaching.Contracts.V1;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// A small command-line companion of the server:
//   coaching token --sub alice --role admin [--coach-id ID] [--name N] [--email E] [--hours 8] [--data-dir DIR]
//   coaching coaches list   [--server URL] [--token JWT]
//   coaching coaches create --display-name N --email E --time-zone Z [--specialty S]... [--server URL] [--token JWT]
//   coaching load [--server URL] [--seconds 10] [--in-flight 64] [--coaches 8] [--calls coach,slots7,slots90,runs7,runs90,book] [--data-dir DIR]
// The token and load commands signs with the local development key the server creates in its data directory.
var options = Options.Parse(args);
try
{
    return options.Command switch
    {
        ["token"] => Token(options),
        ["coaches", "list"] => await ListCoaches(options),
        ["coaches", "create"] => await CreateCoach(options),
        ["load"] => await Load(options),
        _ => Usage(),
    };
}
catch (RpcException e)
{
    await Console.Error.WriteLineAsync($"{e.StatusCode}: {e.Status.Detail}");
    return 2;
}

static int Usage()
{
    Console.Error.WriteLine("usage: coaching token --sub ID --role admin|coach|client [--coach-id ID] [--name N] [--email E] [--hours H] [--data-dir DIR]");
    Console.Error.WriteLine("       coaching coaches list [--server URL] [--token JWT]");
    Console.Error.WriteLine("       coaching coaches create --display-name N --email E --time-zone Z [--specialty S]... [--server URL] [--token JWT]");
    Console.Error.WriteLine("       coaching load [--server URL] [--seconds 10] [--in-flight 64] [--coaches 8] [--calls coach,slots7,slots90,runs7,runs90,book] [--data-dir DIR]");
    return 64;
}

static string? KeyPath(Options o)
{
    var dataDir = o.Get("data-dir") ?? Environment.GetEnvironmentVariable("Coaching__DataDirectory");
    if (string.IsNullOrWhiteSpace(dataDir))
    {
        dataDir = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData), "coaching");
    }

    var keyPath = Path.Combine(dataDir, "signing-key.json");
    if (File.Exists(keyPath))
    {
        return keyPath;
    }

    Console.Error.WriteLine($"No signing key at {keyPath}; start the server once (it creates the key), or pass --data-dir.");
    return null;
}

static string Mint(string keyPath, string subject, string role, string? coachId, string? name, string? email, double hours)
{
    using var json = JsonDocument.Parse(File.ReadAllText(keyPath));
    var root = json.RootElement;
    var claims = new List<Claim> { new("sub", subject), new("role", role) };
    if (coachId is not null)
    {
        claims.Add(new Claim("coach_id", coachId));
    }

    if (name is not null)
    {
        claims.Add(new Claim("name", name));
    }

    if (email is not null)
    {
        claims.Add(new Claim("email", email));
    }

    var key = new SymmetricSecurityKey(Convert.FromBase64String(root.GetProperty("key").GetString()!)) { KeyId = "local" };
    return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = root.GetProperty("issuer").GetString(),
        Audience = root.GetProperty("audience").GetString(),
        Subject = new ClaimsIdentity(claims),
        Expires = DateTime.UtcNow.AddHours(hours),
        SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
    });
}

static int Token(Options o)
{
    if (KeyPath(o) is not { } keyPath)
    {
        return 1;
    }

    Console.WriteLine(Mint(keyPath, o.Get("sub") ?? "dev-user", o.Get("role") ?? "client", o.Get("coach-id"), o.Get("name"), o.Get("email"),
        double.Parse(o.Get("hours") ?? "8", System.Globalization.CultureInfo.InvariantCulture)));
    return 0;
}

// Exits 0 only when no call failed; the figures go to stdout, the live progress line to stderr.
static async Task<int> Load(Options o)
{
    if (KeyPath(o) is not { } keyPath)
    {
        return 1;
    }

    var calls = o.Get("calls")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
    if (calls?.FirstOrDefault(c => !Coaching.Cli.Load.LoadSettings.CallKeys.Contains(c)) is { } unknown)
    {
        Console.Error.WriteLine($"unknown call '{unknown}'; --calls takes {string.Join(",", Coaching.Cli.Load.LoadSettings.CallKeys)}");
        return 2;
    }

    var settings = new Coaching.Cli.Load.LoadSettings(
        o.Get("server") ?? "http://localhost:5000",
        double.Parse(o.Get("seconds") ?? "10", System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(o.Get("in-flight") ?? "64", System.Globalization.CultureInfo.InvariantCulture),
        int.Parse(o.Get("coaches") ?? "8", System.Globalization.CultureInfo.InvariantCulture),
        (subject, role, coachId) => Mint(keyPath, subject, role, coachId, subject, $"{subject}@example.org", 2),
        calls);
    var stats = await new Coaching.Cli.Load.LoadTest(settings, Console.Error).RunAsync(CancellationToken.None);
    foreach (var s in stats)
    {
        Console.WriteLine(s);
        if (s.FirstError is { } error)
        {
            Console.WriteLine($"  first error: {error}");
        }
    }

    return stats.Any(s => s.Errors > 0) ? 1 : 0;
}

static async Task<int> ListCoaches(Options o)
{
    using var channel = GrpcChannel.ForAddress(o.Get("server") ?? "http://localhost:5000");
    var client = new CoachService.CoachServiceClient(channel);
    var response = await client.ListCoachesAsync(new ListCoachesRequest { Specialty = o.Get("specialty") ?? string.Empty }, o.Headers());
    foreach (var coach in response.Coaches)
    {
        Console.WriteLine($"{coach.Name}\t{coach.DisplayName}\t{coach.TimeZone}\t{string.Join(", ", coach.Specialties)}");
    }

    return 0;
}

static async Task<int> CreateCoach(Options o)
{
    using var channel = GrpcChannel.ForAddress(o.Get("server") ?? "http://localhost:5000");
    var client = new CoachService.CoachServiceClient(channel);
    var coach = await client.CreateCoachAsync(new CreateCoachRequest
    {
        Coach = new Coach
        {
            DisplayName = o.Get("display-name") ?? string.Empty,
            Email = o.Get("email") ?? string.Empty,
            TimeZone = o.Get("time-zone") ?? string.Empty,
            Bio = o.Get("bio") ?? string.Empty,
            Specialties = { o.All("specialty") },
        },
        RequestId = o.Get("request-id") ?? Guid.NewGuid().ToString(),
    }, o.Headers());
    Console.WriteLine(coach);
    return 0;
}

internal sealed class Options
{
    private readonly List<(string Name, string Value)> _values = [];

    public List<string> Command { get; } = [];

    public static Options Parse(string[] args)
    {
        var options = new Options();
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i].StartsWith("--", StringComparison.Ordinal) && i + 1 < args.Length)
            {
                options._values.Add((args[i][2..], args[++i]));
            }
            else
            {
                options.Command.Add(args[i]);
            }
        }

        return options;
    }

    public string? Get(string name) => _values.LastOrDefault(v => v.Name == name).Value;

    public IEnumerable<string> All(string name) => _values.Where(v => v.Name == name).Select(v => v.Value);

    public Metadata Headers()
    {
        var token = Get("token") ?? Environment.GetEnvironmentVariable("COACHING_TOKEN");
        return token is null ? [] : new Metadata { { "authorization", $"Bearer {token}" } };
    }
}
