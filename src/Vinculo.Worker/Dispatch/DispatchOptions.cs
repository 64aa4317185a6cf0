using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

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
public sealed partial class DispatchOptions
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
    public int MaxConcurrency { get; set; } = 8;

    /// <summary>Sends per second, across all in-flight sends of the process.</summary>
    public double MessagesPerSecond { get; set; } = 20;

    /// <summary>Attempts per message (transient failures, Meta's per-user marketing limit) before it is failed.</summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>The backoff after the first transient failure; it doubles with each attempt (with jitter), up to an hour.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one request to Meta may take; past it the outcome is unknown and the message is not sent again.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A message left <c>sending</c> this long without a recorded result (a crash) becomes <c>failed</c> (<c>interrupted</c>).</summary>
    public TimeSpan SendingTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Inside the 24-hour customer-service window, send the rendered text (free) rather than the template.</summary>
    public bool PreferSessionMessages { get; set; } = true;

    /// <summary>The circuit breaker looks at a content only once it reached this many numbers in the last 24 hours.</summary>
    public int PauseMinSends { get; set; } = 50;

    /// <summary>A content is paused when more than this share (0–1) of its last 24 hours' recipients opted out after receiving it.</summary>
    public double PauseOptOutRate { get; set; } = 0.02;

    /// <summary>While Meta has the number FLAGGED (quality dropping), the day's sends are this share (0–1) of the daily limit.</summary>
    public double FlaggedShare { get; set; } = 0.5;

    /// <summary>Delivery statuses applied per <c>process-inbound</c> transaction.</summary>
    public int StatusBatchSize { get; set; } = 5_000;

    /// <summary>The Cloud API endpoint for sends: <c>{BaseUrl}/{ApiVersion}/{PhoneNumberId}/messages</c>.</summary>
    public Uri MessagesUri => new($"{BaseUrl.TrimEnd('/')}/{ApiVersion}/{PhoneNumberId}/messages");

    [GeneratedRegex(@"^v\d{1,3}\.\d{1,2}$", RegexOptions.CultureInvariant)]
    internal static partial Regex ApiVersionForm();

    [GeneratedRegex(@"^\d{5,32}$", RegexOptions.CultureInvariant)]
    internal static partial Regex PhoneNumberIdForm();
}

internal sealed class DispatchOptionsValidator : IValidateOptions<DispatchOptions>
{
    public ValidateOptionsResult Validate(string? name, DispatchOptions options)
    {
        var failures = new List<string>();
        if (!Enum.IsDefined(options.Sender))
        {
            failures.Add($"Dispatch:Sender: '{options.Sender}' não é válido; use Log ou WhatsAppCloud.");
        }

        if (string.IsNullOrWhiteSpace(options.OutboxPath) || options.OutboxPath.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
        {
            failures.Add($"Dispatch:OutboxPath: '{options.OutboxPath}' não é um caminho válido (ex.: data/outbox).");
        }

        if (options.Sender == SenderKind.WhatsAppCloud)
        {
            if (!Uri.TryCreate(options.BaseUrl, UriKind.Absolute, out var baseUrl) || baseUrl.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(baseUrl.Query))
            {
                failures.Add($"Dispatch:BaseUrl: '{options.BaseUrl}' não é um endereço http(s) válido (padrão: https://graph.facebook.com).");
            }

            if (string.IsNullOrWhiteSpace(options.ApiVersion) || !DispatchOptions.ApiVersionForm().IsMatch(options.ApiVersion))
            {
                failures.Add($"Dispatch:ApiVersion: '{options.ApiVersion}' não é uma versão da Graph API (ex.: v23.0).");
            }

            if (string.IsNullOrWhiteSpace(options.PhoneNumberId))
            {
                failures.Add("Dispatch:PhoneNumberId: obrigatório com Dispatch:Sender=WhatsAppCloud; é o identificador do número no WhatsApp Manager (só dígitos).");
            }
            else if (!DispatchOptions.PhoneNumberIdForm().IsMatch(options.PhoneNumberId))
            {
                failures.Add($"Dispatch:PhoneNumberId: '{options.PhoneNumberId}' deve ter só dígitos (o identificador do número no WhatsApp Manager, não o telefone).");
            }

            if (string.IsNullOrWhiteSpace(options.AccessToken))
            {
                // The value is never echoed: it is a secret.
                failures.Add("Dispatch:AccessToken: obrigatório com Dispatch:Sender=WhatsAppCloud; defina a variável de ambiente VINCULO_Dispatch__AccessToken (nunca num arquivo versionado).");
            }
            else if (options.AccessToken.Any(char.IsWhiteSpace))
            {
                failures.Add("Dispatch:AccessToken: o token contém espaços ou quebras de linha; copie-o de novo, sem 'Bearer'.");
            }
        }

        if (options.MaxConcurrency is < 1 or > 256)
        {
            failures.Add($"Dispatch:MaxConcurrency: '{options.MaxConcurrency}' deve estar entre 1 e 256.");
        }

        if (!(options.MessagesPerSecond is >= 0.1 and <= 1000))
        {
            failures.Add($"Dispatch:MessagesPerSecond: '{options.MessagesPerSecond.ToString(CultureInfo.InvariantCulture)}' deve estar entre 0.1 e 1000 (o padrão da Meta é 80 por número).");
        }

        if (options.MaxAttempts is < 1 or > 20)
        {
            failures.Add($"Dispatch:MaxAttempts: '{options.MaxAttempts}' deve estar entre 1 e 20.");
        }

        if (options.RetryDelay < TimeSpan.FromSeconds(1) || options.RetryDelay > TimeSpan.FromHours(1))
        {
            failures.Add($"Dispatch:RetryDelay: '{options.RetryDelay}' deve estar entre 00:00:01 e 01:00:00.");
        }

        if (options.RequestTimeout < TimeSpan.FromSeconds(1) || options.RequestTimeout > TimeSpan.FromMinutes(5))
        {
            failures.Add($"Dispatch:RequestTimeout: '{options.RequestTimeout}' deve estar entre 00:00:01 e 00:05:00.");
        }

        if (options.SendingTimeout < TimeSpan.FromMinutes(1) || options.SendingTimeout > TimeSpan.FromDays(1))
        {
            failures.Add($"Dispatch:SendingTimeout: '{options.SendingTimeout}' deve estar entre 00:01:00 e 1.00:00:00.");
        }
        else if (options.SendingTimeout < options.RequestTimeout * 4)
        {
            failures.Add($"Dispatch:SendingTimeout: '{options.SendingTimeout}' deve ser pelo menos quatro vezes Dispatch:RequestTimeout ({options.RequestTimeout}), para que um envio em andamento nunca seja dado como interrompido.");
        }

        if (options.PauseMinSends is < 1 or > 1_000_000)
        {
            failures.Add($"Dispatch:PauseMinSends: '{options.PauseMinSends}' deve estar entre 1 e 1000000.");
        }

        if (!(options.PauseOptOutRate is > 0 and <= 1))
        {
            failures.Add($"Dispatch:PauseOptOutRate: '{options.PauseOptOutRate.ToString(CultureInfo.InvariantCulture)}' deve ser uma fração maior que 0 e até 1 (ex.: 0.02 para 2%).");
        }

        if (!(options.FlaggedShare is >= 0 and <= 1))
        {
            failures.Add($"Dispatch:FlaggedShare: '{options.FlaggedShare.ToString(CultureInfo.InvariantCulture)}' deve ser uma fração de 0 a 1 (ex.: 0.5 para metade do limite diário enquanto a Meta sinaliza o número).");
        }

        if (options.StatusBatchSize is < 100 or > 100_000)
        {
            failures.Add($"Dispatch:StatusBatchSize: '{options.StatusBatchSize}' deve estar entre 100 e 100000.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
