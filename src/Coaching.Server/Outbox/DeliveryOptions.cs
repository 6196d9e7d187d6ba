namespace Coaching.Server.Outbox;

/// <summary>The <c>Coaching:Delivery</c> settings: the dispatcher that works the outbox.</summary>
public sealed class DeliveryOptions
{
    /// <summary>Whether this process delivers (changes record their messages either way; another process may deliver them).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Attempts before a delivery is dead.</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The first retry's delay; each further one doubles it (with jitter), up to 30 minutes.</summary>
    public double RetryBaseSeconds { get; set; } = 5;

    /// <summary>How long delivered messages and the event log are kept (resuming a watch further back fails with OUT_OF_RANGE).</summary>
    public double RetentionHours { get; set; } = 168;

    /// <summary>How long one process holds a delivery it is making; after a crash, another process retries it once this ran out.</summary>
    public double LeaseSeconds { get; set; } = 120;

    /// <summary>
    /// The largest share of time the dispatcher works while callers are waiting for answers (0 &lt; share ≤ 1): after each round
    /// it rests in proportion, so a burst of bookings is answered first and its messages follow; with nobody waiting it works
    /// flat out. 1 never rests.
    /// </summary>
    public double MaxShare { get; set; } = 0.1;

    /// <summary>
    /// Deliveries attempted at once within a round while nobody waits for an answer (slow receivers wait side by side); while
    /// callers wait, a round makes one at a time so that <see cref="MaxShare"/> bounds its share of the cores.
    /// </summary>
    public int Parallelism { get; set; } = 2;

    /// <summary>How often the dispatcher looks for work when idle.</summary>
    public int PollMilliseconds { get; set; } = 250;
}

/// <summary>The <c>Coaching:Smtp</c> settings. With no host, e-mails are written as <c>.eml</c> files into <see cref="PickupDirectory"/>.</summary>
public sealed class SmtpOptions
{
    /// <summary>SMTP server; empty = write files instead.</summary>
    public string Host { get; set; } = string.Empty;

    /// <summary>Port (587 for STARTTLS, 465 for implicit TLS, 25).</summary>
    public int Port { get; set; } = 587;

    /// <summary><c>StartTls</c> (default), <c>SslOnConnect</c> (implicit TLS), <c>StartTlsWhenAvailable</c> or <c>None</c>.</summary>
    public string Security { get; set; } = "StartTls";

    /// <summary>User for SMTP AUTH; empty = no authentication.</summary>
    public string UserName { get; set; } = string.Empty;

    /// <summary>Password for SMTP AUTH.</summary>
    public string Password { get; set; } = string.Empty;

    /// <summary>The sender: an address, optionally with a name (<c>Coaching &lt;noreply@example.org&gt;</c>).</summary>
    public string From { get; set; } = "Coaching <coaching@localhost.localdomain>";

    /// <summary>
    /// A PEM certificate to trust for the SMTP server's TLS, besides the system's roots: an organisation's own CA, or the
    /// server's self-signed certificate. Empty = system roots only.
    /// </summary>
    public string TrustedCertificateFile { get; set; } = string.Empty;

    /// <summary>Connect, command and data timeout.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>Where e-mails go when no host is set; empty = <c>mail</c> under the data directory.</summary>
    public string PickupDirectory { get; set; } = string.Empty;
}

/// <summary>The <c>Coaching:Webhooks</c> settings.</summary>
public sealed class WebhookOptions
{
    /// <summary>Allow endpoints on loopback, link-local and private networks (off: such addresses are refused, even after DNS).</summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Timeout of one call.</summary>
    public int TimeoutSeconds { get; set; } = 10;
}
