// Validates an OpenAPI document against the OpenAPI 3 schema and its own references (swagger-parser, an implementation
// independent of the server's generator). Usage: node tools/web/check-openapi.mjs FILE; prints "valid OPENAPI_VERSION PATHS".
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`valid ${api.openapi} ${Object.keys(api.paths).length}`);
} catch (error) {
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
