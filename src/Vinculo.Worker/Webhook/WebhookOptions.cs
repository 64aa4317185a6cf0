using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Vinculo.Hosting;

namespace Vinculo.Webhook;

/// <summary>The <c>Webhook</c> section: whether the worker receives Meta's WhatsApp webhook itself, where, and with which secrets.</summary>
public sealed partial class WebhookOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "Webhook";

    public const string DefaultUrls = "http://127.0.0.1:5080";

    public const string DefaultPath = "/webhook";

    /// <summary>The health check's path on the same server; the webhook cannot take it.</summary>
    public const string HealthPath = "/healthz";

    public const int DefaultMaxBodyBytes = 1024 * 1024;

    public const int SmallestMaxBodyBytes = 1024;

    public const int LargestMaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>Off by default: a business that receives webhooks through another integration writes the inbound tables itself.</summary>
    public bool Enabled { get; set; }

    /// <summary>
    /// Where the server listens, one or more URLs separated by <c>;</c>. The default is reachable only from the machine
    /// itself: Meta reaches it through a reverse proxy that terminates TLS.
    /// </summary>
    public string Urls { get; set; } = DefaultUrls;

    /// <summary>The webhook's path: the callback URL given to Meta is the proxy's public address followed by it.</summary>
    public string Path { get; set; } = DefaultPath;

    /// <summary>The "Verify token" typed into Meta's App Dashboard when subscribing the callback URL; Meta sends it back in the handshake.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>The Meta app's "App secret": every POST is signed with it. From the environment (<c>VINCULO_Webhook__AppSecret</c>), never a committed file.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The largest body accepted; a larger one is refused with 413 (Meta's payloads are a few kilobytes).</summary>
    [SettingRange(SmallestMaxBodyBytes, LargestMaxBodyBytes, ErrorMessage = "'{0}' deve estar entre {1} e {2} (16 MiB); o padrão é 1048576.")]
    public int MaxBodyBytes { get; set; } = DefaultMaxBodyBytes;

    /// <summary>The URLs of <see cref="Urls"/>, blanks removed.</summary>
    public IReadOnlyList<string> UrlList => (Urls ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Letters, digits and <c>. _ ~ - /</c>: a plain path, never a route template or a query.</summary>
    [GeneratedRegex(@"^/[A-Za-z0-9._~/-]*$", RegexOptions.CultureInvariant)]
    internal static partial Regex PathForm();

    string ISettingsSection.SectionName => Section;

    /// <summary>The addresses, the path, and the secrets the webhook needs once enabled.</summary>
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var urls = UrlList;
        if (urls.Count == 0)
        {
            yield return SettingProblem.At("Webhook:Urls", $"vazio; indique ao menos um endereço http(s) onde escutar (padrão: {DefaultUrls}; vários separados por ';').");
        }

        foreach (var url in urls)
        {
            if (UrlProblem(url) is { } problem)
            {
                yield return SettingProblem.At("Webhook:Urls", $"'{url}' {problem} (ex.: {DefaultUrls}; vários separados por ';').");
            }
        }

        if (string.IsNullOrEmpty(Path) || !PathForm().IsMatch(Path))
        {
            yield return SettingProblem.At("Webhook:Path", $"'{Path}' deve começar com '/' e ter só letras, números e . _ ~ - / (padrão: {DefaultPath}).");
        }
        else if (string.Equals(Path.TrimEnd('/'), HealthPath, StringComparison.OrdinalIgnoreCase))
        {
            yield return SettingProblem.At("Webhook:Path", $"'{Path}' é o caminho da verificação de saúde; escolha outro (padrão: {DefaultPath}).");
        }

        if (Enabled)
        {
            // Neither value is ever echoed: both are secrets.
            if (string.IsNullOrWhiteSpace(VerifyToken))
            {
                yield return SettingProblem.At("Webhook:VerifyToken", "obrigatório com Webhook:Enabled=true; é o 'Verify token' que você escolhe ao cadastrar a URL de callback no App Dashboard da Meta (WhatsApp > Configuration); defina a variável de ambiente VINCULO_Webhook__VerifyToken.");
            }

            if (string.IsNullOrWhiteSpace(AppSecret))
            {
                yield return SettingProblem.At("Webhook:AppSecret", "obrigatório com Webhook:Enabled=true; é o 'App secret' do app no App Dashboard da Meta (App settings > Basic); defina a variável de ambiente VINCULO_Webhook__AppSecret (nunca num arquivo versionado).");
            }
            else if (AppSecret.Any(char.IsWhiteSpace))
            {
                yield return SettingProblem.At("Webhook:AppSecret", "o segredo contém espaços ou quebras de linha; copie-o de novo do App Dashboard da Meta (App settings > Basic).");
            }
        }
    }

    /// <summary>What is wrong with one URL for Kestrel, or null.</summary>
    private static string? UrlProblem(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            return "não é um endereço http(s) válido";
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return "deve ter só esquema, máquina e porta; o caminho vai em Webhook:Path";
        }

        if (uri.Port == 0 && uri.IsLoopback && uri.HostNameType == UriHostNameType.Dns)
        {
            return "não pode usar a porta 0 com localhost; use 127.0.0.1:0";
        }

        return null;
    }
}

[OptionsValidator]
internal sealed partial class WebhookOptionsValidator : IValidateOptions<WebhookOptions>;
