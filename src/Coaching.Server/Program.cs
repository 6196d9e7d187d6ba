using Coaching.Server.Hosting;

// The content root is the binary's folder, so appsettings.json applies wherever the server is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddCoachingServer();

var app = builder.Build();
await app.InitializeAsync();
app.MapCoachingEndpoints();
await app.RunAsync();

/// <summary>Entry point; public so the in-memory test host can start it.</summary>
public partial class Program;
