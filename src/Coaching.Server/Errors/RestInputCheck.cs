using System.Text.Json;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Coaching.Domain.Common;
using Google.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Grpc.JsonTranscoding;
using Any = Google.Protobuf.WellKnownTypes.Any;
using Status = Google.Rpc.Status;

namespace Coaching.Server.Errors;

/// <summary>
/// Checks a REST/JSON request's query parameters and body against the request message's schema before transcoding reads
/// them, so that a value of the wrong type is answered 400 naming the field (<c>coach.display_name</c>, <c>page_size</c>), as
/// a gRPC caller hears about a bad field, rather than a bare "not correctly formatted". Unknown fields are ignored, as the
/// protobuf JSON mapping allows.
/// </summary>
internal sealed class RestInputCheck(RequestDelegate next)
{
    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    public async Task InvokeAsync(HttpContext context)
    {
        var transcoding = context.GetEndpoint()?.Metadata.GetMetadata<GrpcJsonTranscodingMetadata>();
        if (transcoding is null
            || context.Request.ContentType is { } type && type.StartsWith("application/grpc", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        if (QueryFault(transcoding.MethodDescriptor.InputType, context.Request.Query) is { } bad)
        {
            await RefuseAsync(context, bad);
            return;
        }

        if (string.IsNullOrEmpty(transcoding.HttpRule.Body) || context.Request.ContentLength == 0)
        {
            await next(context);
            return;
        }

        var (descriptor, prefix) = BodyOf(transcoding);
        context.Request.EnableBuffering();
        string text;
        try
        {
            using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
            text = await reader.ReadToEndAsync(context.RequestAborted);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // A body without a declared length that ran past the limit (OversizedRequests set it).
            await OversizedRequests.RefuseJsonAsync(context, null);
            return;
        }

        context.Request.Body.Position = 0;
        if (descriptor is null || text.Length == 0 || Fault(descriptor, text, prefix) is not { } fault)
        {
            await next(context);
            return;
        }

        await RefuseAsync(context, fault);
    }

    private static async Task RefuseAsync(HttpContext context, (string Field, string Description) fault)
    {
        var status = new Status
        {
            Code = (int)StatusCode.InvalidArgument,
            Message = $"Invalid request: {fault.Field}: {fault.Description}",
            Details =
            {
                Any.Pack(new ErrorInfo { Reason = "INVALID_ARGUMENT", Domain = ErrorInterceptor.ErrorDomain }),
                Any.Pack(new BadRequest { FieldViolations = { new BadRequest.Types.FieldViolation { Field = fault.Field, Description = fault.Description } } }),
            },
        };
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "application/json; charset=utf-8";
        await context.Response.WriteAsync(ErrorJson.Formatter.Format(status), context.RequestAborted);
    }

    // A query parameter names a field by its path (page_size or pageSize, booking.start_time); its text must fit the field's type.
    private static (string Field, string Description)? QueryFault(MessageDescriptor request, IQueryCollection query)
    {
        foreach (var (key, values) in query)
        {
            var message = request;
            FieldDescriptor? field = null;
            var names = new List<string>();
            foreach (var part in key.Split('.'))
            {
                field = message?.Fields.InFieldNumberOrder().FirstOrDefault(f => f.JsonName == part || f.Name == part);
                if (field is null)
                {
                    break;
                }

                names.Add(field.Name);
                message = field.FieldType == FieldType.Message ? field.MessageType : null;
            }

            if (field is null || (field.FieldType == FieldType.Message && !IsWellKnown(field.MessageType)))
            {
                continue; // not a field (ignored), or a path into a message that goes on
            }

            foreach (var value in values)
            {
                if (!Fits(field, value ?? string.Empty))
                {
                    return (string.Join('.', names), $"'{Text.Excerpt(value ?? string.Empty)}' is not {Describe(field)}");
                }
            }
        }

        return null;
    }

    private static bool Fits(FieldDescriptor field, string text) => field.FieldType switch
    {
        FieldType.Bool => bool.TryParse(text, out _),
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
        FieldType.UInt32 or FieldType.Fixed32 => uint.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => long.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
        FieldType.UInt64 or FieldType.Fixed64 => ulong.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
        FieldType.Double or FieldType.Float => double.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
        FieldType.Enum => field.EnumType.FindValueByName(text) is not null || int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out _),
        FieldType.Message => ParsesAs(field, text),
        _ => true,
    };

    // A well-known type in a query parameter is its JSON string form (a timestamp, a duration, a field mask).
    private static bool ParsesAs(FieldDescriptor field, string text)
    {
        try
        {
            Parser.Parse($"{{{JsonSerializer.Serialize(field.JsonName)}:{JsonSerializer.Serialize(text)}}}", field.ContainingType);
            return true;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            return false;
        }
    }

    // The message the body holds: the whole request ("*") or one of its fields, named as the gRPC errors name it.
    private static (MessageDescriptor? Descriptor, string Prefix) BodyOf(GrpcJsonTranscodingMetadata transcoding)
    {
        var request = transcoding.MethodDescriptor.InputType;
        if (transcoding.HttpRule.Body == "*")
        {
            return (request, string.Empty);
        }

        var field = request.FindFieldByName(transcoding.HttpRule.Body);
        return field?.FieldType == FieldType.Message ? (field.MessageType, field.Name) : (null, string.Empty);
    }

    // Null when the body parses; otherwise the deepest field whose value does not fit its type.
    private static (string Field, string Description)? Fault(MessageDescriptor descriptor, string text, string prefix)
    {
        try
        {
            Parser.Parse(text, descriptor);
            return null;
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
        {
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(text);
            }
            catch (JsonException json)
            {
                return (prefix.Length == 0 ? "body" : prefix, $"is not valid JSON (line {json.LineNumber + 1}, byte {json.BytePositionInLine + 1})");
            }

            using (document)
            {
                return Locate(descriptor, document.RootElement, prefix) ?? (prefix.Length == 0 ? "body" : prefix, e.Message);
            }
        }
    }

    private static (string Field, string Description)? Locate(MessageDescriptor descriptor, JsonElement value, string path)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            return (path.Length == 0 ? "body" : path, $"must be a JSON object, not {Kind(value)}");
        }

        foreach (var property in value.EnumerateObject())
        {
            var field = descriptor.Fields.InFieldNumberOrder().FirstOrDefault(f => f.JsonName == property.Name || f.Name == property.Name);
            if (field is null)
            {
                continue;
            }

            var name = path.Length == 0 ? field.Name : $"{path}.{field.Name}";
            var single = $"{{{JsonSerializer.Serialize(property.Name)}:{property.Value.GetRawText()}}}"; // this field alone
            try
            {
                Parser.Parse(single, descriptor);
                continue;
            }
            catch (Exception e) when (e is InvalidProtocolBufferException or InvalidJsonException)
            {
                if (field.FieldType == FieldType.Message && !field.IsRepeated && !field.IsMap && !IsWellKnown(field.MessageType)
                    && Locate(field.MessageType, property.Value, name) is { } deeper)
                {
                    return deeper;
                }

                return (name, field.IsRepeated && property.Value.ValueKind != JsonValueKind.Array
                    ? $"must be a JSON array, not {Kind(property.Value)}"
                    : $"{Kind(property.Value)} does not fit {Describe(field)} ({e.Message})");
            }
        }

        return null;
    }

    private static bool IsWellKnown(MessageDescriptor message) => message.File.Package == "google.protobuf";

    private static string Describe(FieldDescriptor field) => field.FieldType switch
    {
        FieldType.Message when field.MessageType.FullName == "google.protobuf.Timestamp" => "a timestamp (RFC 3339, e.g. \"2026-12-01T09:00:00Z\")",
        FieldType.Message when field.MessageType.FullName == "google.protobuf.Duration" => "a duration (seconds with an 's', e.g. \"1800s\")",
        FieldType.Message when field.MessageType.FullName == "google.protobuf.FieldMask" => "a field mask (comma-separated camelCase paths)",
        FieldType.Message => "an object",
        FieldType.Enum => $"one of {string.Join(", ", field.EnumType.Values.Select(v => v.Name))}",
        FieldType.String => "a string",
        FieldType.Bool => "true or false",
        FieldType.Bytes => "base64 bytes",
        _ => "a number",
    } + (field.IsRepeated ? " in every element" : string.Empty);

    private static string Kind(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

}
