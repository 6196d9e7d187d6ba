using System.CommandLine;
using Coaching.Contracts.V1;
using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using NodaTime;
using NodaTime.Text;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.NamingConventions;

namespace Coaching.Cli;

/// <summary>The changes people make to courses, cohorts and enrolments (the lists are in <see cref="CatalogCommands"/>).</summary>
internal static class CourseCommands
{
    private static readonly string[] States = ["draft", "open", "closed", "cancelled"];

    private static readonly OffsetDateTimePattern[] OffsetPatterns =
        [OffsetDateTimePattern.ExtendedIso, OffsetDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mmo<G>")];

    private static readonly LocalDateTimePattern[] LocalPatterns =
        [LocalDateTimePattern.ExtendedIso, LocalDateTimePattern.CreateWithInvariantCulture("uuuu'-'MM'-'dd'T'HH':'mm")];

    public static Command CreateCourse()
    {
        var title = new Option<string>("--title") { Description = "The course's title.", Required = true };
        var description = new Option<string?>("--description") { Description = "What it is." };
        var outcomes = new Option<string[]>("--outcome") { Description = "A learning outcome (repeat for more).", AllowMultipleArgumentsPerToken = false };
        var sessions = new Option<int>("--sessions") { Description = "Sessions each cohort runs.", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: the same id again returns the same course." };
        var create = new Command("create", "Creates a course (admins).") { title, description, outcomes, sessions, requestId };
        create.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var course = await new CourseService.CourseServiceClient(channel).CreateCourseAsync(new CreateCourseRequest
            {
                Course = new Course
                {
                    Title = result.GetRequiredValue(title), Description = result.GetValue(description) ?? string.Empty,
                    Outcomes = { result.GetValue(outcomes) ?? [] }, SessionCount = result.GetValue(sessions),
                },
                RequestId = result.GetValue(requestId) ?? string.Empty,
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(course) : course.Name);
            return ExitCodes.Ok;
        }));
        return create;
    }

    public static Command CreateCohort()
    {
        var course = new Argument<string>("course") { Description = "courses/{course}" };
        var file = new Option<FileInfo>("--file") { Description = "The cohort as YAML or JSON (see the README).", Required = true };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key: the same id again returns the same cohort." };
        var create = new Command("create", "Creates a cohort of a course from a file (admins).") { course, file, requestId };
        create.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            var cohort = ReadCohort(result.GetRequiredValue(file), out var problem);
            if (cohort is null)
            {
                await Console.Error.WriteLineAsync(problem);
                return ExitCodes.Usage;
            }

            using var channel = CliApp.Channel(result);
            var created = await new CourseService.CourseServiceClient(channel).CreateCohortAsync(new CreateCohortRequest
            {
                Parent = result.GetRequiredValue(course), Cohort = cohort, RequestId = result.GetValue(requestId) ?? string.Empty,
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(created) : created.Name);
            return ExitCodes.Ok;
        }));
        return create;
    }

    public static Command UpdateCohort()
    {
        var cohort = new Argument<string>("cohort") { Description = "courses/{course}/cohorts/{cohort}" };
        var capacity = new Option<int?>("--capacity") { Description = "Seats (a raise promotes from the waitlist at once)." };
        var state = new Option<string?>("--state") { Description = "draft, open, closed or cancelled." }.AcceptOnlyFromAmong(States);
        var update = new Command("update", "Changes a cohort's capacity or state (admins); the current etag is read first.") { cohort, capacity, state };
        update.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            if (result.GetValue(capacity) is null && result.GetValue(state) is null)
            {
                await Console.Error.WriteLineAsync("Nothing to change: pass --capacity, --state or both.");
                return ExitCodes.Usage;
            }

            using var channel = CliApp.Channel(result);
            var service = new CourseService.CourseServiceClient(channel);
            var current = await service.GetCohortAsync(new GetCohortRequest { Name = result.GetRequiredValue(cohort) }, CliApp.Headers(result), cancellationToken: ct);
            var mask = new FieldMask();
            if (result.GetValue(capacity) is { } seats)
            {
                current.Capacity = seats;
                mask.Paths.Add("capacity");
            }

            if (result.GetValue(state) is { } named)
            {
                current.State = (CohortState)(Array.IndexOf(States, named) + 1);
                mask.Paths.Add("state");
            }

            var changed = await service.UpdateCohortAsync(new UpdateCohortRequest { Cohort = current, UpdateMask = mask }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(changed)
                : $"{changed.Name}: {changed.State}, {changed.EnrolledCount}/{changed.Capacity} enrolled, {changed.WaitlistCount} waiting");
            return ExitCodes.Ok;
        }));
        return update;
    }

    public static Command Enrol()
    {
        var cohort = new Argument<string>("cohort") { Description = "courses/{course}/cohorts/{cohort}" };
        var client = new Option<string?>("--client") { Description = "users/{user} to enrol (admins); default: the caller." };
        var requestId = new Option<string?>("--request-id") { Description = "Idempotency key (default: a new one)." };
        var add = new Command("add", "Enrols in a cohort: a seat while there is one, else the waitlist.") { cohort, client, requestId };
        add.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var enrolment = await new CourseService.CourseServiceClient(channel).CreateEnrolmentAsync(new CreateEnrolmentRequest
            {
                Parent = result.GetRequiredValue(cohort),
                Enrolment = new Enrolment { Client = result.GetValue(client) ?? string.Empty },
                RequestId = result.GetValue(requestId) ?? Guid.NewGuid().ToString(),
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(enrolment) : Describe(enrolment));
            return ExitCodes.Ok;
        }));
        return add;
    }

    public static Command Withdraw()
    {
        var name = new Argument<string>("enrolment") { Description = "courses/{course}/cohorts/{cohort}/enrolments/{enrolment}" };
        var reason = new Option<string?>("--reason") { Description = "Why." };
        var withdraw = new Command("withdraw", "Withdraws an enrolment; the first on the waitlist takes the seat.") { name, reason };
        withdraw.SetAction(CliApp.Guarded(async (result, ct) =>
        {
            using var channel = CliApp.Channel(result);
            var service = new CourseService.CourseServiceClient(channel);
            var current = await service.GetEnrolmentAsync(new GetEnrolmentRequest { Name = result.GetRequiredValue(name) }, CliApp.Headers(result), cancellationToken: ct);
            var withdrawn = await service.WithdrawEnrolmentAsync(new WithdrawEnrolmentRequest
            {
                Name = current.Name, Etag = current.Etag, Reason = result.GetValue(reason) ?? string.Empty,
            }, CliApp.Headers(result), cancellationToken: ct);
            Console.WriteLine(CliApp.Json(result) ? JsonFormatter.Default.Format(withdrawn) : Describe(withdrawn));
            return ExitCodes.Ok;
        }));
        return withdraw;
    }

    private static string Describe(Enrolment e) =>
        e.State == EnrolmentState.Waitlisted ? $"{e.Name}: {e.State} (position {e.WaitlistPosition})" : $"{e.Name}: {e.State}";

    /// <summary>
    /// A cohort from a file; session starts are ISO dates and times, with an offset (<c>2027-01-11T18:00Z</c>) or without one,
    /// then in the cohort's time zone (a time the zone skips or repeats that day is refused, naming the session).
    /// </summary>
    internal static Cohort? ReadCohort(FileInfo file, out string problem)
    {
        problem = string.Empty;
        CohortFile? read;
        try
        {
            read = new DeserializerBuilder().WithNamingConvention(UnderscoredNamingConvention.Instance).Build().Deserialize<CohortFile>(File.ReadAllText(file.FullName));
        }
        catch (Exception e) when (e is YamlDotNet.Core.YamlException or IOException)
        {
            problem = $"{file.Name}: {e.Message}";
            return null;
        }

        if (read is null || DateTimeZoneProviders.Tzdb.GetZoneOrNull(read.TimeZone ?? string.Empty) is not { } zone)
        {
            problem = $"{file.Name}: time_zone must be an IANA zone such as Europe/London.";
            return null;
        }

        var cohort = new Cohort
        {
            DisplayName = read.DisplayName ?? string.Empty, TimeZone = read.TimeZone!, Coaches = { read.Coaches ?? [] }, Capacity = read.Capacity,
            State = read.State is null ? CohortState.Draft : (CohortState)(Array.IndexOf(States, read.State.Trim().ToLowerInvariant()) + 1),
        };
        if (cohort.State == CohortState.Unspecified)
        {
            problem = $"{file.Name}: state must be one of {string.Join(", ", States)}.";
            return null;
        }

        foreach (var (label, text, set) in new (string, string?, Action<Timestamp>)[]
        {
            ("enrolment_opens", read.EnrolmentOpens, t => cohort.EnrolmentOpenTime = t),
            ("enrolment_closes", read.EnrolmentCloses, t => cohort.EnrolmentCloseTime = t),
        })
        {
            if (Instant(text, zone, out var why) is not { } at)
            {
                problem = $"{file.Name}: {label}: {why}";
                return null;
            }

            set(Timestamp.FromDateTimeOffset(at.ToDateTimeOffset()));
        }

        foreach (var (session, i) in (read.Sessions ?? []).Select((s, i) => (s, i + 1)))
        {
            if (Instant(session.Start, zone, out var why) is not { } start)
            {
                problem = $"{file.Name}: session {i}: start: {why}";
                return null;
            }

            cohort.Sessions.Add(new CohortSession
            {
                StartTime = Timestamp.FromDateTimeOffset(start.ToDateTimeOffset()), Duration = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(session.Minutes)),
                Title = session.Title ?? string.Empty,
            });
        }

        return cohort;
    }

    private static Instant? Instant(string? text, DateTimeZone zone, out string problem)
    {
        problem = string.Empty;
        var trimmed = text?.Trim() ?? string.Empty;
        foreach (var pattern in OffsetPatterns)
        {
            if (pattern.Parse(trimmed) is { Success: true } offset)
            {
                return offset.Value.ToInstant();
            }
        }

        var local = LocalPatterns.Select(p => p.Parse(trimmed)).FirstOrDefault(r => r.Success) ?? LocalPatterns[0].Parse(trimmed);
        if (!local.Success)
        {
            problem = $"'{text}' is not an ISO date and time (2027-01-11T18:00, optionally with Z or an offset).";
            return null;
        }

        var mapping = zone.MapLocal(local.Value);
        if (mapping.Count != 1)
        {
            problem = $"{local.Value:uuuu-MM-dd HH:mm} {(mapping.Count == 0 ? "does not exist" : "happens twice")} in {zone.Id} (a clock change); give an offset.";
            return null;
        }

        return mapping.Single().ToInstant();
    }

    /// <summary>The file's shape (snake_case keys).</summary>
    private sealed class CohortFile
    {
        public string? DisplayName { get; set; }

        public string? TimeZone { get; set; }

        public List<string>? Coaches { get; set; }

        public int Capacity { get; set; }

        public string? EnrolmentOpens { get; set; }

        public string? EnrolmentCloses { get; set; }

        public string? State { get; set; }

        public List<SessionFile>? Sessions { get; set; }
    }

    private sealed class SessionFile
    {
        public string? Start { get; set; }

        public int Minutes { get; set; }

        public string? Title { get; set; }
    }
}
