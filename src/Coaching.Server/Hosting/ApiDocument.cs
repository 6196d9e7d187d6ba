using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Google.Api;
using Google.Protobuf.Reflection;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;

namespace Coaching.Server.Hosting;

/// <summary>
/// The OpenAPI 3.0 document of the REST/JSON surface, built from the same descriptors and <c>google.api.http</c> rules that
/// transcoding serves, with the proto comments (the contracts' XML documentation) as descriptions. A resource-name variable
/// such as <c>{name=coaches/*/offerings/*}</c> becomes the path it matches, <c>/v1/coaches/{coach}/offerings/{offering}</c>,
/// so every route is its own OpenAPI path, as a client generator needs.
/// </summary>
public sealed partial class ApiDocument
{
    private static readonly Dictionary<string, string> Singular = new(StringComparer.Ordinal)
    {
        ["coaches"] = "coach", ["offerings"] = "offering", ["bookings"] = "booking", ["courses"] = "course", ["cohorts"] = "cohort",
        ["enrolments"] = "enrolment", ["dateOverrides"] = "date_override", ["users"] = "user", ["deliveries"] = "delivery",
        ["webhooks"] = "webhook", ["invites"] = "invite", ["events"] = "event", ["registrations"] = "registration",
    };

    private readonly Dictionary<string, string> _docs;
    private readonly SortedDictionary<string, MessageDescriptor> _schemas = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, EnumDescriptor> _enums = new(StringComparer.Ordinal);

    private ApiDocument(Dictionary<string, string> docs) => _docs = docs;

    /// <summary>One HTTP route of an RPC: what the document lists and the tests compare with the served routes.</summary>
    /// <param name="Method">The RPC.</param>
    /// <param name="Verb">get, post, patch or delete.</param>
    /// <param name="Path">The OpenAPI path.</param>
    /// <param name="Body">The rule's body: empty, <c>*</c>, or a request field.</param>
    /// <param name="Bound">Path parameters, each with the request field it is part of.</param>
    public sealed record Route(MethodDescriptor Method, string Verb, string Path, string Body, IReadOnlyList<(string Parameter, string Field)> Bound);

    /// <summary>Every route of every service, in declaration order.</summary>
    public static IReadOnlyList<Route> Routes(IEnumerable<ServiceDescriptor> services) =>
    [
        .. services.SelectMany(s => s.Methods).SelectMany(m => Rules(m).Select(rule => ToRoute(m, rule))),
    ];

    /// <summary>The document as JSON.</summary>
    /// <param name="services">The services to describe.</param>
    /// <param name="xmlDocumentation">The contracts' XML documentation file (descriptions), if present.</param>
    public static string Write(IReadOnlyList<ServiceDescriptor> services, string? xmlDocumentation)
    {
        var docs = xmlDocumentation is not null && File.Exists(xmlDocumentation)
            ? XDocument.Load(xmlDocumentation).Descendants("member")
                .ToDictionary(m => (string)m.Attribute("name")!, m => Clean(m.Element("summary")?.Value ?? string.Empty), StringComparer.Ordinal)
            : [];
        return new ApiDocument(docs).Render(services);
    }

    private static IEnumerable<HttpRule> Rules(MethodDescriptor method)
    {
        if (method.GetOptions()?.GetExtension(AnnotationsExtensions.Http) is not { } rule)
        {
            yield break;
        }

        yield return rule;
        foreach (var more in rule.AdditionalBindings)
        {
            yield return more;
        }
    }

    private static Route ToRoute(MethodDescriptor method, HttpRule rule)
    {
        var (verb, template) = rule.PatternCase switch
        {
            HttpRule.PatternOneofCase.Get => ("get", rule.Get),
            HttpRule.PatternOneofCase.Post => ("post", rule.Post),
            HttpRule.PatternOneofCase.Patch => ("patch", rule.Patch),
            HttpRule.PatternOneofCase.Put => ("put", rule.Put),
            HttpRule.PatternOneofCase.Delete => ("delete", rule.Delete),
            _ => throw new InvalidOperationException($"{method.FullName}: unsupported HTTP rule {rule.PatternCase}."),
        };
        var bound = new List<(string, string)>();
        var path = Variable().Replace(template, m =>
        {
            var field = m.Groups["field"].Value;
            var pattern = m.Groups["pattern"].Success ? m.Groups["pattern"].Value : "*";
            var segments = pattern.Split('/');
            var parts = new List<string>();
            for (var i = 0; i < segments.Length; i++)
            {
                if (segments[i] != "*")
                {
                    parts.Add(segments[i]);
                    continue;
                }

                var name = i > 0 && Singular.TryGetValue(segments[i - 1], out var one) ? one : field.Replace('.', '_');
                bound.Add((name, field));
                parts.Add($"{{{name}}}");
            }

            return string.Join('/', parts);
        });
        return new Route(method, verb, path, rule.Body, bound);
    }

    [GeneratedRegex(@"\{(?<field>[a-z_.]+)(=(?<pattern>[^}]+))?\}")]
    private static partial Regex Variable();

    private static string Clean(string text) => string.Join(' ', text.Split((char[])['\n', '\r'], StringSplitOptions.RemoveEmptyEntries)
        .Select(l => l.Trim())).Trim();

    private string Render(IReadOnlyList<ServiceDescriptor> services)
    {
        var routes = Routes(services);
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteString("openapi", "3.0.3");
            json.WriteStartObject("info");
            json.WriteString("title", "Coaching API");
            json.WriteString("version", "v1");
            json.WriteString("description", "Every RPC of coaching.v1 as REST/JSON (gRPC JSON transcoding). Send `Authorization: Bearer <token>`. " +
                "Errors are google.rpc.Status JSON with the HTTP status of their gRPC code and the same details (ErrorInfo reason, BadRequest field violations).");
            json.WriteEndObject();
            json.WriteStartArray("tags");
            foreach (var service in services)
            {
                json.WriteStartObject();
                json.WriteString("name", service.Name);
                json.WriteString("description", Doc($"T:Coaching.Contracts.V1.{service.Name}"));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteStartArray("security");
            json.WriteStartObject();
            json.WriteStartArray("bearer");
            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndArray();
            json.WriteStartObject("paths");
            foreach (var group in routes.GroupBy(r => r.Path))
            {
                json.WriteStartObject(group.Key);
                foreach (var route in group)
                {
                    WriteOperation(json, route, routes);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteStartObject("components");
            json.WriteStartObject("securitySchemes");
            json.WriteStartObject("bearer");
            json.WriteString("type", "http");
            json.WriteString("scheme", "bearer");
            json.WriteString("bearerFormat", "JWT");
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteStartObject("schemas");
            WriteStatusSchema(json);
            // Writing a schema can name more messages: write until none is left.
            var written = new HashSet<string>(StringComparer.Ordinal);
            while (_schemas.Keys.FirstOrDefault(k => !written.Contains(k)) is { } next)
            {
                written.Add(next);
                WriteMessage(json, _schemas[next]);
            }

            foreach (var (name, type) in _enums)
            {
                json.WriteStartObject(name);
                json.WriteString("type", "string");
                json.WriteString("description", Doc($"T:{ClrName(type.FullName)}"));
                json.WriteStartArray("enum");
                foreach (var value in type.Values)
                {
                    json.WriteStringValue(value.Name);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private void WriteOperation(Utf8JsonWriter json, Route route, IReadOnlyList<Route> all)
    {
        var method = route.Method;
        var index = all.Where(r => r.Method == method).ToList().IndexOf(route);
        json.WriteStartObject(route.Verb);
        json.WriteStartArray("tags");
        json.WriteStringValue(method.Service.Name);
        json.WriteEndArray();
        json.WriteString("operationId", $"{method.Service.Name}_{method.Name}{(index > 0 ? $"_{index + 1}" : string.Empty)}");
        json.WriteString("summary", method.Name);
        var doc = _docs.FirstOrDefault(d => d.Key.StartsWith($"M:Coaching.Contracts.V1.{method.Service.Name}.{method.Service.Name}Base.{method.Name}(",
            StringComparison.Ordinal)).Value;
        json.WriteString("description", (doc ?? string.Empty) + $" (gRPC: {method.FullName})");
        json.WriteStartArray("parameters");
        foreach (var (parameter, field) in route.Bound)
        {
            json.WriteStartObject();
            json.WriteString("name", parameter);
            json.WriteString("in", "path");
            json.WriteBoolean("required", true);
            json.WriteString("description", $"Part of the request's `{field}`.");
            json.WriteStartObject("schema");
            json.WriteString("type", "string");
            json.WriteEndObject();
            json.WriteEndObject();
        }

        if (route.Body != "*")
        {
            var boundFields = route.Bound.Select(b => b.Field.Split('.')[0]).ToHashSet(StringComparer.Ordinal);
            foreach (var field in method.InputType.Fields.InDeclarationOrder().Where(f => f.Name != route.Body && !boundFields.Contains(f.Name)))
            {
                if (field.FieldType == FieldType.Message && !IsWellKnownScalar(field.MessageType))
                {
                    continue;
                }

                json.WriteStartObject();
                json.WriteString("name", field.JsonName);
                json.WriteString("in", "query");
                json.WriteString("description", FieldDoc(field));
                if (field.IsRepeated)
                {
                    json.WriteBoolean("explode", true);
                }

                json.WritePropertyName("schema");
                WriteFieldSchema(json, field);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        if (route.Body.Length > 0)
        {
            json.WriteStartObject("requestBody");
            json.WriteBoolean("required", true);
            json.WriteStartObject("content");
            json.WriteStartObject("application/json");
            json.WriteStartObject("schema");
            var body = route.Body == "*" ? method.InputType : method.InputType.FindFieldByName(route.Body).MessageType;
            json.WriteString("$ref", Reference(body));
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteStartObject("responses");
        json.WriteStartObject("200");
        json.WriteString("description", method.IsServerStreaming ? "A stream of messages, one JSON object after another, as they happen." : "OK");
        json.WriteStartObject("content");
        json.WriteStartObject("application/json");
        json.WriteStartObject("schema");
        json.WriteString("$ref", Reference(method.OutputType));
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteStartObject("default");
        json.WriteString("description", "An error: google.rpc.Status, with the HTTP status of its gRPC code.");
        json.WriteStartObject("content");
        json.WriteStartObject("application/json");
        json.WriteStartObject("schema");
        json.WriteString("$ref", "#/components/schemas/google.rpc.Status");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteStatusSchema(Utf8JsonWriter json)
    {
        json.WriteStartObject("google.rpc.Status");
        json.WriteString("type", "object");
        json.WriteString("description", "An error: its gRPC code, a message for people, and details (ErrorInfo with the reason, BadRequest field violations, ...).");
        json.WriteStartObject("properties");
        json.WriteStartObject("code");
        json.WriteString("type", "integer");
        json.WriteString("format", "int32");
        json.WriteEndObject();
        json.WriteStartObject("message");
        json.WriteString("type", "string");
        json.WriteEndObject();
        json.WriteStartObject("details");
        json.WriteString("type", "array");
        json.WriteStartObject("items");
        json.WriteString("type", "object");
        json.WriteStartObject("properties");
        json.WriteStartObject("@type");
        json.WriteString("type", "string");
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteBoolean("additionalProperties", true);
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteMessage(Utf8JsonWriter json, MessageDescriptor message)
    {
        json.WriteStartObject(message.FullName);
        json.WriteString("type", "object");
        json.WriteString("description", Doc($"T:{ClrName(message.FullName)}"));
        json.WriteStartObject("properties");
        foreach (var field in message.Fields.InDeclarationOrder())
        {
            json.WritePropertyName(field.JsonName);
            json.WriteStartObject();
            json.WriteString("description", FieldDoc(field));
            json.WriteStartArray("allOf");
            WriteFieldSchema(json, field);
            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    private void WriteFieldSchema(Utf8JsonWriter json, FieldDescriptor field)
    {
        if (field.IsMap)
        {
            json.WriteStartObject();
            json.WriteString("type", "object");
            json.WritePropertyName("additionalProperties");
            WriteSingle(json, field.MessageType.FindFieldByNumber(2));
            json.WriteEndObject();
            return;
        }

        if (field.IsRepeated)
        {
            json.WriteStartObject();
            json.WriteString("type", "array");
            json.WritePropertyName("items");
            WriteSingle(json, field);
            json.WriteEndObject();
            return;
        }

        WriteSingle(json, field);
    }

    private void WriteSingle(Utf8JsonWriter json, FieldDescriptor field)
    {
        json.WriteStartObject();
        switch (field.FieldType)
        {
            case FieldType.Message when IsWellKnownScalar(field.MessageType):
                json.WriteString("type", "string");
                if (field.MessageType.FullName == "google.protobuf.Timestamp")
                {
                    json.WriteString("format", "date-time");
                }
                else
                {
                    json.WriteString("description", field.MessageType.FullName == "google.protobuf.Duration"
                        ? "seconds with an 's', e.g. \"1800s\"" : "comma-separated camelCase field paths");
                }

                break;
            case FieldType.Message when field.MessageType.File.Package == "google.protobuf":
                json.WriteString("type", "object");
                break;
            case FieldType.Message:
                json.WriteString("$ref", Reference(field.MessageType));
                break;
            case FieldType.Enum:
                _enums[field.EnumType.FullName] = field.EnumType;
                json.WriteString("$ref", $"#/components/schemas/{field.EnumType.FullName}");
                break;
            case FieldType.Bool:
                json.WriteString("type", "boolean");
                break;
            case FieldType.String:
                json.WriteString("type", "string");
                break;
            case FieldType.Bytes:
                json.WriteString("type", "string");
                json.WriteString("format", "byte");
                break;
            case FieldType.Double or FieldType.Float:
                json.WriteString("type", "number");
                break;
            case FieldType.Int64 or FieldType.UInt64 or FieldType.SInt64 or FieldType.Fixed64 or FieldType.SFixed64:
                json.WriteString("type", "string"); // the protobuf JSON mapping writes 64-bit integers as strings
                json.WriteString("format", "int64");
                break;
            default:
                json.WriteString("type", "integer");
                json.WriteString("format", "int32");
                break;
        }

        json.WriteEndObject();
    }

    private string Reference(MessageDescriptor message)
    {
        _schemas[message.FullName] = message;
        return $"#/components/schemas/{message.FullName}";
    }

    private static bool IsWellKnownScalar(MessageDescriptor message) =>
        message.FullName is "google.protobuf.Timestamp" or "google.protobuf.Duration" or "google.protobuf.FieldMask";

    private string FieldDoc(FieldDescriptor field) => Doc($"P:{ClrName(field.ContainingType.FullName)}.{PascalCase(field.Name)}");

    private string Doc(string member) => _docs.TryGetValue(member, out var text) ? text : string.Empty;

    // coaching.v1.Booking -> Coaching.Contracts.V1.Booking; nested messages are Outer.Types.Inner in C#.
    private static string ClrName(string fullName)
    {
        if (!fullName.StartsWith("coaching.v1.", StringComparison.Ordinal))
        {
            return fullName;
        }

        return "Coaching.Contracts.V1." + string.Join(".Types.", fullName["coaching.v1.".Length..].Split('.'));
    }

    private static string PascalCase(string name)
    {
        var result = new StringBuilder();
        var upper = true;
        foreach (var c in name)
        {
            if (c == '_')
            {
                upper = true;
                continue;
            }

            result.Append(upper ? char.ToUpperInvariant(c) : c);
            upper = char.IsDigit(c);
        }

        return result.ToString();
    }
}
