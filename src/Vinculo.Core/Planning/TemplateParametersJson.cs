using System.Text.Encodings.Web;
using System.Text.Json;

namespace Vinculo.Planning;

/// <summary>
/// <c>message_queue.template_params</c>: the template's named parameters as one JSON object in the order the body uses
/// them (<c>{"first_name":"Carla","product":"Tênis Corrida Azul"}</c>), written readably for people who query the table.
/// </summary>
public static class TemplateParametersJson
{
    private static readonly JsonSerializerOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(IEnumerable<KeyValuePair<string, string>> parameters) =>
        JsonSerializer.Serialize(parameters.ToDictionary(p => p.Key, p => p.Value), Options);
}
