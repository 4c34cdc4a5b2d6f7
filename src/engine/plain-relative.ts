/** A relative '/'-separated path of one or more parts, none of them empty, `.` or `..`: a path as templates write it. */
export const PLAIN_RELATIVE = /^(?!\.\.?(?:\/|$))[^/]+(?:\/(?!\.\.?(?:\/|$))[^/]+)*$/;
