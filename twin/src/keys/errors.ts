// API key errors: only not-found, shared with every product.
export { NotFoundError } from "../http/errors";
