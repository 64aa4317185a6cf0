using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Dispatch;

/// <summary>Which sender <c>dispatch-messages</c> hands messages to.</summary>
public enum SenderKind
{
    /// <summary>Writes each message as a JSON line under <c>Dispatch:OutboxPath</c> and to the log; sends nothing.</summary>
    Log,

    /// <summary>Meta's WhatsApp Cloud API.</summary>
    WhatsAppCloud,
}

/// <summary>The <c>Dispatch</c> section: where messages go, how fast, and how failures are retried.</summary>
public sealed partial class DispatchOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Dispatch";

    public SenderKind Sender { get; set; } = SenderKind.Log;

    /// <summary>The <c>Log</c> sender's folder (relative to the content root unless absolute): one JSON-lines file per day.</summary>
    public string OutboxPath { get; set; } = "data/outbox";

    public string BaseUrl { get; set; } = "https://graph.facebook.com";

    public string ApiVersion { get; set; } = "v23.0";

    /// <summary>The business phone number's id in Meta's WhatsApp Manager (not the phone number itself).</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>The Cloud API bearer token: from the environment (<c>VINCULO_Dispatch__AccessToken</c>), never a committed file.</summary>
    public string? AccessToken { get; set; }

    /// <summary>Sends in flight at once: a request to Meta takes about 100–300 ms, so one at a time cannot reach 80 per second.</summary>
    [SettingRange(1, 256)]
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Sends per second, across all in-flight sends of the process.</summary>
    [SettingRange(0.1, 1000, ErrorMessage = "'{0}' deve estar entre {1} e {2} (o padrão da Meta é 80 por número).")]
    public double MessagesPerSecond { get; set; } = 20;

    /// <summary>Attempts per message (transient failures, Meta's per-user marketing limit) before it is failed.</summary>
    [SettingRange(1, 20)]
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The backoff after the first transient failure; it doubles with each attempt (with jitter), up to an hour.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request to Meta may take; past it the outcome is unknown and the message is not sent again.</summary>
    [SettingRange(typeof(TimeSpan), "00:00:01", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A message left <c>sending</c> this long without a recorded result (a crash) becomes <c>failed</c> (<c>interrupted</c>).</summary>
    [SettingRange(typeof(TimeSpan), "00:01:00", "1.00:00:00")]
    public TimeSpan SendingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Inside the 24-hour customer-service window, send the rendered text (free) rather than the template.</summary>
    public bool PreferSessionMessages { get; set; } = true;

    /// <summary>The circuit breaker looks at a content only once it reached this many numbers in the last 24 hours.</summary>
    [SettingRange(1, 1_000_000)]
    public int PauseMinSends { get; set; } = 50;

    /// <summary>A content is paused when more than this share (0–1) of its last 24 hours' recipients opted out after receiving it.</summary>
    [SettingRange(0.0, 1.0, MinimumIsExclusive = true, ErrorMessage = "'{0}' deve ser uma fração maior que 0 e até 1 (ex.: 0.02 para 2%).")]
    public double PauseOptOutRate { get; set; } = 0.02;

    /// <summary>While Meta has the number FLAGGED (quality dropping), the day's sends are this share (0–1) of the daily limit.</summary>
    [SettingRange(0.0, 1.0, ErrorMessage = "'{0}' deve ser uma fração de 0 a 1 (ex.: 0.5 para metade do limite diário enquanto a Meta sinaliza o número).")]
    public double FlaggedShare { get; set; } = 0.5;

    /// <summary>Delivery statuses applied per <c>process-inbound</c> transaction.</summary>
    [SettingRange(100, 100_000)]
    public int StatusBatchSize { get; set; } = 5_000;

    /// <summary>The Cloud API endpoint for sends: <c>{BaseUrl}/{ApiVersion}/{PhoneNumberId}/messages</c>.</summary>
    public Uri MessagesUri => new($"{BaseUrl.TrimEnd('/')}/{ApiVersion}/{PhoneNumberId}/messages");

    [GeneratedRegex(@"^v\d{1,3}\.\d{1,2}$", RegexOptions.CultureInvariant)]
    internal static partial Regex ApiVersionForm();

    [GeneratedRegex(@"^\d{5,32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex PhoneNumberIdForm();

    string ISettingsSection.SectionName => Section;

    /// <summary>The sender and what it needs; durations that must agree with each other.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enum.IsDefined(Sender))
        {
            yield return SettingProblem.At("Dispatch:Sender", $"'{Sender}' não é válido; use Log ou WhatsAppCloud.");
        }

        if (string.IsNullOrWhiteSpace(OutboxPath) || OutboxPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            yield return SettingProblem.At("Dispatch:OutboxPath", $"'{OutboxPath}' não é um caminho válido (ex.: data/outbox).");
        }

        if (Sender == SenderKind.WhatsAppCloud)
        {
            if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(baseUrl.Query))
            {
                yield return SettingProblem.At("Dispatch:BaseUrl", $"'{BaseUrl}' não é um endereço http(s) válido (padrão: https://graph.facebook.com).");
            }

            if (string.IsNullOrWhiteSpace(ApiVersion) || !ApiVersionForm().IsMatch(ApiVersion))
            {
                yield return SettingProblem.At("Dispatch:ApiVersion", $"'{ApiVersion}' não é uma versão da Graph API (ex.: v23.0).");
            }

            if (string.IsNullOrWhiteSpace(PhoneNumberId))
            {
                yield return SettingProblem.At("Dispatch:PhoneNumberId", "obrigatório com Dispatch:Sender=WhatsAppCloud; é o identificador do número no WhatsApp Manager (só dígitos).");
            }
            else if (!PhoneNumberIdForm().IsMatch(PhoneNumberId))
            {
                yield return SettingProblem.At("Dispatch:PhoneNumberId", $"'{PhoneNumberId}' deve ter só dígitos (o identificador do número no WhatsApp Manager, não o telefone).");
            }

            if (string.IsNullOrWhiteSpace(AccessToken))
            {
                // The value is never echoed: it is a secret.
                yield return SettingProblem.At("Dispatch:AccessToken", "obrigatório com Dispatch:Sender=WhatsAppCloud; defina a variável de ambiente VINCULO_Dispatch__AccessToken (nunca num arquivo versionado).");
            }
            else if (AccessToken.Any(char.IsWhiteSpace))
            {
                yield return SettingProblem.At("Dispatch:AccessToken", "o token contém espaços ou quebras de linha; copie-o de novo, sem 'Bearer'.");
            }
        }

        // Only once both are in range: otherwise their own messages say what is wrong.
        if (SendingTimeout >= TimeSpan.FromMinutes(1) && SendingTimeout <= TimeSpan.FromDays(1) && SendingTimeout < RequestTimeout * 4)
        {
            yield return SettingProblem.At("Dispatch:SendingTimeout", $"'{SendingTimeout}' deve ser pelo menos quatro vezes Dispatch:RequestTimeout ({RequestTimeout}), para que um envio em andamento nunca seja dado como interrompido.");
        }
    }
}

[OptionsValidator]
internal sealed partial class DispatchOptionsValidator : IValidateOptions<DispatchOptions>;
