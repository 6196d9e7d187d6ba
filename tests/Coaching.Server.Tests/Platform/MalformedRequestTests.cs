using Coaching.Contracts.V1;
using Google.Protobuf.Reflection;
using Google.Rpc;

namespace Coaching.Server.Tests.Platform;

/// <summary>
/// Request bodies that are not well-formed messages, sent as raw gRPC frames over a real HTTP/2 connection to every
/// unary method: each gets INVALID_ARGUMENT / MALFORMED_REQUEST, and nothing is logged at error level.
/// </summary>
public class MalformedRequestTests(RealServerFixture fixture) : IClassFixture<RealServerFixture>
{
    private static readonly ServiceDescriptor[] Services =
    [
        CoachService.Descriptor, AvailabilityService.Descriptor, BookingService.Descriptor, CourseService.Descriptor, CalendarService.Descriptor,
    ];

    public static TheoryData<string, string> Cases()
    {
        var cases = new TheoryData<string, string>();
        foreach (var method in Services.SelectMany(s => s.Methods).Where(m => !m.IsClientStreaming && !m.IsServerStreaming))
        {
            var path = $"/{method.Service.FullName}/{method.Name}";
            cases.Add(path, "truncated");
            if (method.InputType.FindFieldByNumber(1)?.FieldType == FieldType.String)
            {
                cases.Add(path, "lone-surrogate");
            }
        }

        cases.Add("/grpc.health.v1.Health/Check", "truncated");
        return cases;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task UndecodableBody_InvalidArgument_MalformedRequest_NoErrorLogged(string path, string kind)
    {
        // Field 1, length-delimited: either 3 bytes of UTF-8-encoded surrogate U+D800 (invalid UTF-8), or a length
        // of 80 with one byte present (truncated).
        byte[] payload = kind == "lone-surrogate" ? [0x0a, 0x03, 0xed, 0xa0, 0x80] : [0x0a, 0x50, 0x61];
        var before = fixture.Server.ErrorLines().Count;

        var (status, message, details) = await fixture.SendRawAsync(path, payload, fixture.Server.Token("admin-1", "admin"));

        Assert.True(status == 3, $"{path}: status {status} {message}");
        Assert.Contains("could not be decoded", message, StringComparison.Ordinal);
        var info = details?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(("MALFORMED_REQUEST", "coaching.v1"), (info.Reason, info.Domain));
        Assert.Equal(before, fixture.Server.ErrorLines().Count);
    }
}
