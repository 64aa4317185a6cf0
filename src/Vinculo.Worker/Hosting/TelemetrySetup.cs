using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Quartz.Diagnostics;

namespace Vinculo.Hosting;

public static class TelemetrySetup
{
    /// <summary>The meter .NET itself publishes GC, thread-pool, JIT and exception figures on (.NET 9 and later).</summary>
    public const string RuntimeMeterName = "System.Runtime";

    /// <summary>
    /// The <c>OpenTelemetry</c> options and, when <c>OpenTelemetry:Endpoint</c> is set, OTLP export of Vinculo's meters
    /// (<see cref="VinculoMetrics"/>), Quartz's meter and spans, and the runtime's meter. Without an endpoint nothing is
    /// exported and nothing is added but the options. A bad endpoint is left to <see cref="ConfigurationCheck"/>, which
    /// stops the start-up naming the key. Calling this twice adds it once.
    /// </summary>
    public static IHostApplicationBuilder AddVinculoTelemetry(this IHostApplicationBuilder builder)
    {
        if (builder.Services.Any(d => d.ImplementationInstance is OptionsSection { Name: TelemetryOptions.Section }))
        {
            return builder;
        }

        builder.Services.AddVinculoOptions<TelemetryOptions, TelemetryOptionsValidator>(TelemetryOptions.Section);
        var section = builder.Configuration.GetSection(TelemetryOptions.Section);
        var endpoint = TelemetryOptions.ParseEndpoint(section[nameof(TelemetryOptions.Endpoint)]);
        var protocol = TelemetryOptions.ParseProtocol(section[nameof(TelemetryOptions.Protocol)] ?? nameof(OtlpExportProtocol.Grpc));
        if (endpoint is null || protocol is null)
        {
            return builder;
        }

        var serviceName = section[nameof(TelemetryOptions.ServiceName)] is { Length: > 0 } name ? name.Trim() : TelemetryOptions.DefaultServiceName;
        var instanceId = builder.Configuration[$"{SchedulerOptions.Section}:{nameof(SchedulerOptions.InstanceId)}"] is { Length: > 0 } node
            ? node.Trim()
            : Environment.MachineName;
        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, serviceInstanceId: instanceId, autoGenerateServiceInstanceId: false))
            .WithMetrics(metrics => metrics
                .AddMeter(VinculoMetrics.MeterName, QuartzInstrumentation.MeterName, RuntimeMeterName)
                .AddOtlpExporter(o => Export(o, endpoint, protocol.Value, "v1/metrics")))
            .WithTracing(tracing => tracing
                .AddSource(QuartzInstrumentation.ActivitySourceName)
                .AddOtlpExporter(o => Export(o, endpoint, protocol.Value, "v1/traces")));
        return builder;
    }

    /// <summary>gRPC takes the endpoint as it is; OTLP over HTTP wants each signal's own path after it.</summary>
    private static void Export(OtlpExporterOptions options, Uri endpoint, OtlpExportProtocol protocol, string signalPath)
    {
        options.Protocol = protocol;
        options.Endpoint = protocol == OtlpExportProtocol.HttpProtobuf
            ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signalPath)
            : endpoint;
    }
}

/// <summary>The <c>OpenTelemetry</c> section: where metrics and Quartz's spans are exported over OTLP, if anywhere.</summary>
public sealed class TelemetryOptions : ISettingsSection, IValidatableObject
{
    public const string Section = "OpenTelemetry";

    public const string DefaultServiceName = "vinculo";

    /// <summary>The OTLP collector, an absolute http(s) URL (<c>http://localhost:4317</c>); unset (the default), nothing is exported.</summary>
    public string? Endpoint { get; set; }

    /// <summary><c>Grpc</c> (the default, usually port 4317) or <c>HttpProtobuf</c> (usually port 4318).</summary>
    public string Protocol { get; set; } = nameof(OtlpExportProtocol.Grpc);

    /// <summary>The <c>service.name</c> the figures are reported under; the node (<c>Scheduler:InstanceId</c>) is <c>service.instance.id</c>.</summary>
    public string ServiceName { get; set; } = DefaultServiceName;

    /// <summary>An absolute http or https URL, or null for anything else (a blank value included).</summary>
    public static Uri? ParseEndpoint(string? value) =>
        Uri.TryCreate(value?.Trim(), UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps) ? uri : null;

    public static OtlpExportProtocol? ParseProtocol(string? value) =>
        Enum.GetValues<OtlpExportProtocol>().Cast<OtlpExportProtocol?>()
            .FirstOrDefault(p => string.Equals(p.ToString(), value?.Trim(), StringComparison.OrdinalIgnoreCase));

    string ISettingsSection.SectionName => Section;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrWhiteSpace(Endpoint) && ParseEndpoint(Endpoint) is null)
        {
            yield return SettingProblem.At($"{Section}:{nameof(Endpoint)}", $"'{Endpoint}' não é uma URL absoluta http ou https (ex.: http://localhost:4317); deixe ausente para não exportar.");
        }

        if (ParseProtocol(Protocol) is null)
        {
            yield return SettingProblem.At($"{Section}:{nameof(Protocol)}", $"'{Protocol}' não é suportado; use {string.Join(" ou ", Enum.GetNames<OtlpExportProtocol>())}.");
        }

        if (string.IsNullOrWhiteSpace(ServiceName) || ServiceName.Length > 200)
        {
            yield return SettingProblem.At($"{Section}:{nameof(ServiceName)}", $"'{ServiceName}' deve ter de 1 a 200 caracteres.");
        }
    }
}

[OptionsValidator]
internal sealed partial class TelemetryOptionsValidator : IValidateOptions<TelemetryOptions>;
